<?php
/**
 * The settings page and its admin-post actions: Connect, Open CartRelay, Disconnect, the address.
 *
 * @package CartRelay_For_WooCommerce
 */

/**
 * CartRelay_Settings_Page.
 */
final class SettingsPageTest extends CartRelay_Test_Case {

	/**
	 * Posts to admin-post.php with the action's nonce.
	 *
	 * @param string $action The action.
	 * @param array  $fields More fields.
	 * @param string $nonce  The nonce; the right one by default.
	 * @return void
	 */
	private static function post( string $action, array $fields = array(), ?string $nonce = null ): void {
		$_POST    = array_merge( array( 'action' => $action, '_wpnonce' => null === $nonce ? 'nonce-' . $action : $nonce ), $fields );
		$_REQUEST = $_POST;
	}

	/**
	 * Runs an admin-post action through the hook the main file registered.
	 *
	 * @param string $action The action.
	 * @return CartRelay_Test_Redirect
	 */
	private function run_action( string $action ): CartRelay_Test_Redirect {
		$hooks = $GLOBALS['cartrelay_test_main_file_hooks'];
		$this->assertArrayHasKey( 'admin_post_' . $action, $hooks );
		$this->assertArrayNotHasKey( 'admin_post_nopriv_' . $action, $hooks );
		$callback = $hooks[ 'admin_post_' . $action ][0]['callback'];
		return $this->expect_redirect(
			static function () use ( $callback ) {
				call_user_func( $callback );
			}
		);
	}

	/**
	 * Every action, with what makes it act.
	 *
	 * @return array
	 */
	public function actions(): array {
		return array(
			'connect'    => array( 'cartrelay_connect' ),
			'open'       => array( 'cartrelay_open' ),
			'disconnect' => array( 'cartrelay_disconnect' ),
			'save'       => array( 'cartrelay_save_settings' ),
		);
	}

	/**
	 * @dataProvider actions
	 *
	 * @param string $action The action.
	 */
	public function test_a_wrong_nonce_stops_the_action( string $action ): void {
		$this->connect();
		update_option( 'cartrelay_app_url', 'https://relay.example' );
		$before = CartRelay_Test_World::$options;
		foreach ( array( 'nonce-cartrelay_other', '' ) as $nonce ) {
			self::post( $action, array( 'cartrelay_app_url' => 'https://elsewhere.example' ), $nonce );
			try {
				call_user_func( $GLOBALS['cartrelay_test_main_file_hooks'][ 'admin_post_' . $action ][0]['callback'] );
				$this->fail( 'Expected wp_die.' );
			} catch ( CartRelay_Test_Die $die ) {
				$this->assertStringContainsString( 'expired', $die->getMessage() );
			}
		}
		$this->assertSame( array(), CartRelay_Test_World::$redirects );
		$this->assertSame( array(), CartRelay_Test_World::$remote_posts );
		$this->assertSame( array(), $GLOBALS['wpdb']->deleted );
		$this->assertSame( $before, CartRelay_Test_World::$options );
	}

	/**
	 * @dataProvider actions
	 *
	 * @param string $action The action.
	 */
	public function test_the_action_needs_manage_woocommerce( string $action ): void {
		$this->connect();
		update_option( 'cartrelay_app_url', 'https://relay.example' );
		$before                     = CartRelay_Test_World::$options;
		CartRelay_Test_World::$caps = array( 'edit_posts' => true );
		self::post( $action, array( 'cartrelay_app_url' => 'https://elsewhere.example' ) );
		try {
			call_user_func( $GLOBALS['cartrelay_test_main_file_hooks'][ 'admin_post_' . $action ][0]['callback'] );
			$this->fail( 'Expected wp_die.' );
		} catch ( CartRelay_Test_Die $die ) {
			$this->assertStringContainsString( 'not allowed', $die->getMessage() );
		}
		$this->assertSame( array(), CartRelay_Test_World::$redirects );
		$this->assertSame( array(), CartRelay_Test_World::$remote_posts );
		$this->assertSame( $before, CartRelay_Test_World::$options );
	}

	public function test_connect_redirects_to_cartrelay_with_the_site(): void {
		update_option( 'cartrelay_app_url', 'https://relay.example' );
		self::post( 'cartrelay_connect' );
		$redirect = $this->run_action( 'cartrelay_connect' );
		$this->assertSame( 'https://relay.example/woocommerce/connect?site=https%3A%2F%2Fshop.example%2F', $redirect->location );
		$this->assertFalse( $redirect->safe, 'wp_redirect, since CartRelay is another host.' );
	}

	public function test_connect_without_an_address_goes_back_to_the_page(): void {
		self::post( 'cartrelay_connect' );
		$redirect = $this->run_action( 'cartrelay_connect' );
		$this->assertSame( 'https://shop.example/wp-admin/admin.php?page=cartrelay&cartrelay_notice=no_address', $redirect->location );
	}

	public function test_saving_the_address_validates_and_strips_the_trailing_slash(): void {
		self::post( 'cartrelay_save_settings', array( 'cartrelay_app_url' => ' https://relay.example/base/ ' ) );
		$this->assertStringEndsWith( 'cartrelay_notice=saved', $this->run_action( 'cartrelay_save_settings' )->location );
		$this->assertSame( 'https://relay.example/base', get_option( 'cartrelay_app_url' ) );

		foreach ( array( 'ftp://relay.example', 'relay.example', 'javascript:alert(1)', 'https://relay.example/?q=1' ) as $bad ) {
			self::post( 'cartrelay_save_settings', array( 'cartrelay_app_url' => $bad ) );
			$this->assertStringEndsWith( 'cartrelay_notice=invalid_address', $this->run_action( 'cartrelay_save_settings' )->location, $bad );
			$this->assertSame( 'https://relay.example/base', get_option( 'cartrelay_app_url' ), $bad );
		}

		self::post( 'cartrelay_save_settings', array( 'cartrelay_app_url' => 'http://localhost:8787/' ) );
		$this->run_action( 'cartrelay_save_settings' );
		$this->assertSame( 'http://localhost:8787', get_option( 'cartrelay_app_url' ) );
	}

	public function test_open_redirects_to_a_link_signed_now(): void {
		$this->connect();
		CartRelay_Test_World::$user_id = 7;
		self::post( 'cartrelay_open' );
		$before   = time();
		$redirect = $this->run_action( 'cartrelay_open' );
		$this->assertFalse( $redirect->safe );
		$this->assertStringStartsWith( 'https://relay.example/woocommerce/open?site=https%3A%2F%2Fshop.example%2F&user=7&exp=', $redirect->location );
		parse_str( (string) parse_url( $redirect->location, PHP_URL_QUERY ), $query );
		$this->assertSame( array( 'site', 'user', 'exp', 'sig' ), array_keys( $query ) );
		$this->assertGreaterThanOrEqual( $before + 300, (int) $query['exp'] );
		$this->assertLessThanOrEqual( time() + 300, (int) $query['exp'] );
		$expected = rtrim( strtr( base64_encode( hash_hmac( 'sha256', "open\nhttps://shop.example/\n7\n" . $query['exp'], self::SECRET, true ) ), '+/', '-_' ), '=' );
		$this->assertSame( $expected, $query['sig'] );
	}

	public function test_open_without_a_connection_goes_back_to_the_page(): void {
		self::post( 'cartrelay_open' );
		$this->assertStringEndsWith( 'cartrelay_notice=not_connected', $this->run_action( 'cartrelay_open' )->location );
	}

	public function test_disconnect_posts_the_signed_body_deletes_the_key_and_clears(): void {
		$this->connect( array( 'app_url' => 'https://relay.example/sub' ) );
		update_option( 'cartrelay_app_url', 'https://relay.example/sub' );
		CartRelay_Test_World::$user_id = 3;
		self::post( 'cartrelay_disconnect' );
		$before   = time();
		$redirect = $this->run_action( 'cartrelay_disconnect' );

		$this->assertCount( 1, CartRelay_Test_World::$remote_posts );
		list( $url, $args ) = CartRelay_Test_World::$remote_posts[0];
		$this->assertSame( 'https://relay.example/sub/woocommerce/disconnect', $url );
		$this->assertSame( 15, $args['timeout'] );
		$this->assertSame( 'application/json', $args['headers']['Content-Type'] );
		$body = json_decode( $args['body'], true );
		$this->assertSame( array( 'site', 'user', 'exp', 'sig' ), array_keys( $body ) );
		$this->assertSame( 'https://shop.example/', $body['site'] );
		$this->assertSame( '3', $body['user'] );
		$this->assertIsInt( $body['exp'] );
		$this->assertGreaterThanOrEqual( $before + 300, $body['exp'] );
		$this->assertLessThanOrEqual( time() + 300, $body['exp'] );
		$expected = rtrim( strtr( base64_encode( hash_hmac( 'sha256', "disconnect\nhttps://shop.example/\n3\n" . $body['exp'], self::SECRET, true ) ), '+/', '-_' ), '=' );
		$this->assertSame( $expected, $body['sig'] );

		$this->assertSame( array( array( 'wp_woocommerce_api_keys', array( 'key_id' => 42 ), array( '%d' ) ) ), $GLOBALS['wpdb']->deleted );
		$this->assertArrayNotHasKey( 'cartrelay_connection', CartRelay_Test_World::$options );
		$this->assertSame( 'https://relay.example/sub', get_option( 'cartrelay_app_url' ) );
		$this->assertSame( 'https://shop.example/wp-admin/admin.php?page=cartrelay&cartrelay_notice=disconnected', $redirect->location );
	}

	/**
	 * What CartRelay may answer without confirming.
	 *
	 * @return array
	 */
	public function unconfirmed(): array {
		return array(
			'unreachable' => array( new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' ) ),
			'500'         => array( array( 'response' => array( 'code' => 500, 'message' => 'Internal Server Error' ), 'body' => '' ) ),
			'401'         => array( array( 'response' => array( 'code' => 401, 'message' => 'Unauthorized' ), 'body' => '' ) ),
			'302'         => array( array( 'response' => array( 'code' => 302, 'message' => 'Found' ), 'body' => '' ) ),
		);
	}

	/**
	 * @dataProvider unconfirmed
	 *
	 * @param mixed $response What wp_remote_post returns.
	 */
	public function test_disconnect_without_confirmation_still_deletes_the_key_and_clears( $response ): void {
		$this->connect();
		CartRelay_Test_World::$remote_response = $response;
		self::post( 'cartrelay_disconnect' );
		$redirect = $this->run_action( 'cartrelay_disconnect' );
		$this->assertCount( 1, CartRelay_Test_World::$remote_posts );
		$this->assertSame( array( array( 'wp_woocommerce_api_keys', array( 'key_id' => 42 ), array( '%d' ) ) ), $GLOBALS['wpdb']->deleted );
		$this->assertArrayNotHasKey( 'cartrelay_connection', CartRelay_Test_World::$options );
		$this->assertStringEndsWith( 'cartrelay_notice=disconnect_unconfirmed', $redirect->location );
	}

	public function test_the_page_is_under_woocommerce_for_shop_managers(): void {
		$this->assertCount( 1, $GLOBALS['cartrelay_test_main_file_hooks']['admin_menu'] );
		call_user_func( $GLOBALS['cartrelay_test_main_file_hooks']['admin_menu'][0]['callback'] );
		$this->assertSame( array( array( 'woocommerce', 'manage_woocommerce', 'cartrelay' ) ), array_column( CartRelay_Test_World::$hooks['test:submenu'], 'callback' ) );
	}

	private static function render(): string {
		ob_start();
		try {
			CartRelay_Settings_Page::render();
		} finally {
			$html = (string) ob_get_clean();
		}
		return $html;
	}

	public function test_the_page_when_not_connected(): void {
		update_option( 'cartrelay_app_url', 'https://relay.example/"><script>x</script>' );
		$html = self::render();
		$this->assertStringContainsString( 'Not connected', $html );
		$this->assertStringContainsString( 'value="cartrelay_connect"', $html );
		$this->assertStringContainsString( 'value="nonce-cartrelay_connect"', $html );
		$this->assertStringContainsString( 'value="nonce-cartrelay_save_settings"', $html );
		$this->assertStringContainsString( 'name="cartrelay_app_url"', $html );
		$this->assertStringNotContainsString( 'cartrelay_disconnect', $html );
		$this->assertStringNotContainsString( 'cartrelay_open', $html );
		$this->assertStringNotContainsString( '<script>', $html );
	}

	public function test_the_page_when_connected(): void {
		$this->connect( array( 'click_id_param' => 'clickref' ) );
		$_GET['cartrelay_notice'] = 'disconnect_unconfirmed';
		$html                     = self::render();
		$this->assertStringContainsString( 'Connected since 2025-12-31', $html );
		$this->assertStringContainsString( 'Click id parameter in use: clickref', $html );
		$this->assertStringContainsString( 'value="nonce-cartrelay_open"', $html );
		$this->assertStringContainsString( 'value="nonce-cartrelay_disconnect"', $html );
		$this->assertStringContainsString( 'did not confirm', $html );
		$this->assertStringNotContainsString( 'value="cartrelay_connect"', $html );
		$this->assertStringNotContainsString( self::SECRET, $html );
	}

	public function test_the_page_needs_manage_woocommerce(): void {
		CartRelay_Test_World::$caps = array();
		$this->expectException( CartRelay_Test_Die::class );
		self::render();
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_the_constant_wins_over_the_option_and_hides_the_field(): void {
		define( 'CARTRELAY_APP_URL', 'https://constant.example/' );
		update_option( 'cartrelay_app_url', 'https://option.example' );
		$this->assertSame( 'https://constant.example', CartRelay_Connection::app_url() );

		self::post( 'cartrelay_connect' );
		$this->assertSame( 'https://constant.example/woocommerce/connect?site=https%3A%2F%2Fshop.example%2F', $this->run_action( 'cartrelay_connect' )->location );

		$html = self::render();
		$this->assertStringNotContainsString( 'name="cartrelay_app_url"', $html );
		$this->assertStringContainsString( 'CARTRELAY_APP_URL', $html );

		self::post( 'cartrelay_save_settings', array( 'cartrelay_app_url' => 'https://other.example' ) );
		$this->assertStringEndsWith( 'cartrelay_notice=address_locked', $this->run_action( 'cartrelay_save_settings' )->location );
		$this->assertSame( 'https://option.example', get_option( 'cartrelay_app_url' ) );
	}
}
