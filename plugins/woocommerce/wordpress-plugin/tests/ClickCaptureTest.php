<?php
/**
 * Click capture: the landing cookie, the footer script, and the copy to the order at checkout.
 *
 * @package CartRelay_For_WooCommerce
 */

/**
 * CartRelay_Click_Capture.
 */
final class ClickCaptureTest extends CartRelay_Test_Case {

	/**
	 * The cookies written: [ name, value, options ].
	 *
	 * @var array[]
	 */
	private $cookies = array();

	protected function setUp(): void {
		parent::setUp();
		$this->cookies = array();
		$capture       = new CartRelay_Click_Capture(
			function ( $name, $value, $options ) {
				$this->cookies[] = array( $name, $value, $options );
			}
		);
		$capture->register();
	}

	/**
	 * Requests a front-end page.
	 *
	 * @param string $uri The request's path and query string.
	 * @return void
	 */
	private function land( string $uri ): void {
		$_SERVER['REQUEST_URI'] = $uri;
		$query                  = (string) parse_url( $uri, PHP_URL_QUERY );
		parse_str( $query, $_GET );
		$this->assertSame( 1, CartRelay_Test_World::fire( 'template_redirect' ) );
	}

	public function test_the_main_file_hooks_capture_and_both_checkouts(): void {
		foreach ( array( 'template_redirect', 'wp_footer', 'woocommerce_checkout_create_order', 'woocommerce_store_api_checkout_update_order_from_request' ) as $hook ) {
			$this->assertArrayHasKey( $hook, $GLOBALS['cartrelay_test_main_file_hooks'], $hook );
			$this->assertInstanceOf( CartRelay_Click_Capture::class, $GLOBALS['cartrelay_test_main_file_hooks'][ $hook ][0]['callback'][0] );
		}
	}

	public function test_a_landing_with_the_click_id_sets_the_cookie(): void {
		$before = time();
		$this->land( '/shop/?utm_source=x&irclickid=Ab3%2Dz_9&p=1' );
		$this->assertCount( 1, $this->cookies );
		list( $name, $value, $options ) = $this->cookies[0];
		$this->assertSame( 'cartrelay_landing', $name );
		$this->assertSame( '/shop/?utm_source=x&irclickid=Ab3%2Dz_9&p=1', $value );
		$this->assertSame( '/', $options['path'] );
		$this->assertSame( 'Lax', $options['samesite'] );
		$this->assertTrue( $options['secure'] );
		// The footer script must be able to replace it (the last click wins on a cached page).
		$this->assertFalse( $options['httponly'] );
		$this->assertGreaterThanOrEqual( $before + 30 * 86400, $options['expires'] );
		$this->assertLessThanOrEqual( time() + 30 * 86400, $options['expires'] );
	}

	public function test_the_cookie_is_not_secure_without_https(): void {
		CartRelay_Test_World::$env['ssl'] = false;
		$this->land( '/?irclickid=abc' );
		$this->assertFalse( $this->cookies[0][2]['secure'] );
	}

	public function test_sharedid_alone_is_enough(): void {
		$this->land( '/p/?sharedid=partner-7' );
		$this->assertSame( '/p/?sharedid=partner-7', $this->cookies[0][1] );
	}

	public function test_no_cookie_without_the_parameter(): void {
		$this->land( '/shop/?utm_source=x&clickid=abc' );
		$this->land( '/shop/' );
		$this->land( '/?irclickid=' );
		$this->land( '/?IRCLICKID=abc' );
		$this->assertSame( array(), $this->cookies );
	}

	public function test_a_custom_click_id_parameter_is_honoured(): void {
		$this->connect( array( 'click_id_param' => 'clickref' ) );
		$this->land( '/?irclickid=abc' );
		$this->assertSame( array(), $this->cookies, 'irclickid is not the parameter in use any more.' );
		$this->land( '/?clickref=abc' );
		$this->assertSame( '/?clickref=abc', $this->cookies[0][1] );
	}

	public function test_a_too_long_address_is_ignored(): void {
		$prefix = '/?irclickid=abc&pad=';
		$this->land( $prefix . str_repeat( 'a', 2049 - strlen( $prefix ) ) );
		$this->assertSame( array(), $this->cookies );
		$this->land( $prefix . str_repeat( 'a', 2048 - strlen( $prefix ) ) );
		$this->assertCount( 1, $this->cookies );
		$this->assertSame( 2048, strlen( $this->cookies[0][1] ) );
	}

	public function test_an_address_with_markup_is_ignored(): void {
		$this->land( '/?irclickid=abc&x=<script>' );
		$this->assertSame( array(), $this->cookies );
	}

	public function test_nothing_outside_front_end_pages(): void {
		foreach ( array( 'is_admin', 'ajax', 'rest', 'feed' ) as $flag ) {
			CartRelay_Test_World::$env[ $flag ] = true;
			$this->land( '/?irclickid=abc' );
			CartRelay_Test_World::$env[ $flag ] = false;
			$this->assertSame( array(), $this->cookies, $flag );
		}
		$this->land( '/?irclickid=abc' );
		$this->assertCount( 1, $this->cookies );
	}

	public function test_the_footer_script(): void {
		$this->connect( array( 'click_id_param' => 'clickref' ) );
		ob_start();
		CartRelay_Test_World::fire( 'wp_footer' );
		$html = (string) ob_get_clean();
		$this->assertStringStartsWith( '<script>', $html );
		$this->assertStringContainsString( '["clickref","sharedid"]', $html );
		$this->assertStringContainsString( 'document.cookie="cartrelay_landing="+encodeURIComponent(u)', $html );
		$this->assertStringContainsString( 'Max-Age=2592000', $html );
		$this->assertStringContainsString( 'SameSite=Lax', $html );
		$this->assertStringContainsString( 'u.length>2048', $html );
		$this->assertStringNotContainsString( 'HttpOnly', $html );
		$this->assertStringNotContainsString( 'jQuery', $html );
		$this->assertLessThan( 600, strlen( $html ) );
	}

	public function test_the_footer_script_runs_in_a_browser_like_world(): void {
		$node = trim( (string) shell_exec( 'command -v node 2>/dev/null' ) );
		if ( '' === $node ) {
			$this->markTestSkipped( 'node is not on PATH; the vitest suite runs this script through Node.' );
		}
		$script = CartRelay_Click_Capture::script();
		$cases  = array(
			array( 'https://shop.example/a/?x=1&irclickid=abc', 'cartrelay_landing=%2Fa%2F%3Fx%3D1%26irclickid%3Dabc;Max-Age=2592000;Path=/;SameSite=Lax;Secure' ),
			array( 'http://shop.example/?sharedid=s1', 'cartrelay_landing=%2F%3Fsharedid%3Ds1;Max-Age=2592000;Path=/;SameSite=Lax' ),
			array( 'https://shop.example/?irclickid=', '' ),
			array( 'https://shop.example/?other=1', '' ),
		);
		foreach ( $cases as $case ) {
			$js  = 'var location=new URL(' . json_encode( $case[0] ) . '),document={cookie:""};' . $script . 'process.stdout.write(document.cookie);';
			$out = (string) shell_exec( escapeshellarg( $node ) . ' -e ' . escapeshellarg( $js ) );
			$this->assertSame( $case[1], $out, $case[0] );
		}
	}

	/**
	 * Both checkouts' actions and their arguments.
	 *
	 * @return array
	 */
	public function checkouts(): array {
		return array(
			'classic' => array( 'woocommerce_checkout_create_order', array( 'billing_email' => 'a@b.example' ) ),
			'blocks'  => array( 'woocommerce_store_api_checkout_update_order_from_request', new WP_REST_Request( 'POST', '/wc/store/v1/checkout' ) ),
		);
	}

	/**
	 * @dataProvider checkouts
	 *
	 * @param string $hook   The action.
	 * @param mixed  $second Its second argument.
	 */
	public function test_checkout_copies_the_cookie_to_the_order( string $hook, $second ): void {
		$_COOKIE['cartrelay_landing'] = '/shop/?irclickid=Ab3%2Dz&utm=a%20b';
		$order                        = new CartRelay_Test_Order();
		$this->assertSame( 1, CartRelay_Test_World::fire( $hook, $order, $second ) );
		$this->assertSame( array( '_cartrelay_landing' => '/shop/?irclickid=Ab3%2Dz&utm=a%20b' ), $order->meta );
	}

	/**
	 * @dataProvider checkouts
	 *
	 * @param string $hook   The action.
	 * @param mixed  $second Its second argument.
	 */
	public function test_checkout_refuses_what_is_not_a_landing_address( string $hook, $second ): void {
		$bad = array(
			'https://evil.example/?irclickid=abc',
			'irclickid=abc',
			'',
			'/?irclickid=abc&x=<b>',
			"/?irclickid=abc\nSet-Cookie: x",
			'/?irclickid=abc&x=a b',
			'/?irclickid=abc&pad=' . str_repeat( 'a', 2048 ),
		);
		foreach ( $bad as $value ) {
			$_COOKIE['cartrelay_landing'] = $value;
			$order                        = new CartRelay_Test_Order();
			CartRelay_Test_World::fire( $hook, $order, $second );
			$this->assertSame( array(), $order->meta, $value );
		}
		$_COOKIE['cartrelay_landing'] = array( '/?irclickid=abc' );
		$order                        = new CartRelay_Test_Order();
		CartRelay_Test_World::fire( $hook, $order, $second );
		$this->assertSame( array(), $order->meta );
	}

	/**
	 * @dataProvider checkouts
	 *
	 * @param string $hook   The action.
	 * @param mixed  $second Its second argument.
	 */
	public function test_checkout_does_not_overwrite( string $hook, $second ): void {
		$_COOKIE['cartrelay_landing'] = '/?irclickid=new';
		$order                        = new CartRelay_Test_Order();
		$order->update_meta_data( '_cartrelay_landing', '/?irclickid=first' );
		CartRelay_Test_World::fire( $hook, $order, $second );
		$this->assertSame( '/?irclickid=first', $order->get_meta( '_cartrelay_landing' ) );
	}

	/**
	 * @dataProvider checkouts
	 *
	 * @param string $hook   The action.
	 * @param mixed  $second Its second argument.
	 */
	public function test_checkout_without_the_cookie_writes_nothing( string $hook, $second ): void {
		$order = new CartRelay_Test_Order();
		CartRelay_Test_World::fire( $hook, $order, $second );
		$this->assertSame( array(), $order->meta );
	}

	public function test_the_cookie_is_unslashed(): void {
		// WordPress adds slashes to $_COOKIE (wp_magic_quotes).
		$_COOKIE['cartrelay_landing'] = addslashes( "/?irclickid=abc&q=it's" );
		$order                        = new CartRelay_Test_Order();
		CartRelay_Test_World::fire( 'woocommerce_checkout_create_order', $order, array() );
		$this->assertSame( "/?irclickid=abc&q=it's", $order->get_meta( '_cartrelay_landing' ) );
	}
}
