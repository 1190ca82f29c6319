<?php
/**
 * The REST route CartRelay calls: wc-cartrelay/v1/connection.
 *
 * @package CartRelay_For_WooCommerce
 */

/**
 * CartRelay_Connection_Route.
 */
final class ConnectionRouteTest extends CartRelay_Test_Case {

	private static function good_body(): array {
		return array(
			'linkSecret'   => self::SECRET,
			'clickIdParam' => 'irclickid',
			'keyId'        => 42,
			'appUrl'       => 'https://relay.example/',
		);
	}

	private static function put( $body ) {
		$request = new WP_REST_Request( 'PUT', '/wc-cartrelay/v1/connection' );
		$request->set_body( is_string( $body ) ? $body : json_encode( $body ) );
		return CartRelay_Connection_Route::put_connection( $request );
	}

	/**
	 * The registered endpoints, by method.
	 *
	 * @return array<string, array>
	 */
	private static function endpoints(): array {
		CartRelay_Connection_Route::register_routes();
		$by_method = array();
		foreach ( CartRelay_Test_World::$routes[0][2] as $endpoint ) {
			$by_method[ $endpoint['methods'] ] = $endpoint;
		}
		return $by_method;
	}

	public function test_the_route_is_registered_on_rest_api_init(): void {
		$hooked = array_column( $GLOBALS['cartrelay_test_main_file_hooks']['rest_api_init'], 'callback' );
		$this->assertContains( array( 'CartRelay_Connection_Route', 'register_routes' ), $hooked );

		$endpoints = self::endpoints();
		$this->assertCount( 1, CartRelay_Test_World::$routes );
		$this->assertSame( 'wc-cartrelay/v1', CartRelay_Test_World::$routes[0][0] );
		$this->assertSame( '/connection', CartRelay_Test_World::$routes[0][1] );
		$this->assertSame( array( 'DELETE', 'GET', 'PUT' ), self::sorted( array_keys( $endpoints ) ) );
		$this->assertSame( array( 'CartRelay_Connection_Route', 'put_connection' ), $endpoints['PUT']['callback'] );
		$this->assertSame( array( 'CartRelay_Connection_Route', 'get_connection' ), $endpoints['GET']['callback'] );
		$this->assertSame( array( 'CartRelay_Connection_Route', 'delete_connection' ), $endpoints['DELETE']['callback'] );
	}

	private static function sorted( array $values ): array {
		sort( $values );
		return $values;
	}

	public function test_every_method_needs_manage_woocommerce(): void {
		foreach ( self::endpoints() as $method => $endpoint ) {
			CartRelay_Test_World::$caps = array( 'manage_woocommerce' => true );
			$this->assertTrue( call_user_func( $endpoint['permission_callback'] ), $method );
			CartRelay_Test_World::$caps = array( 'manage_options' => true, 'edit_posts' => true );
			$this->assertFalse( call_user_func( $endpoint['permission_callback'] ), $method );
		}
	}

	public function test_put_saves_the_connection(): void {
		$before   = time();
		$response = self::put( self::good_body() );
		$this->assertInstanceOf( WP_REST_Response::class, $response );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'connected' => true ), $response->get_data() );

		$saved = get_option( 'cartrelay_connection' );
		$this->assertSame( array( 'link_secret', 'click_id_param', 'key_id', 'app_url', 'connected_at' ), array_keys( $saved ) );
		$this->assertSame( self::SECRET, $saved['link_secret'] );
		$this->assertSame( 'irclickid', $saved['click_id_param'] );
		$this->assertSame( 42, $saved['key_id'] );
		$this->assertSame( 'https://relay.example', $saved['app_url'] );
		$this->assertGreaterThanOrEqual( $before, $saved['connected_at'] );
		$this->assertLessThanOrEqual( time(), $saved['connected_at'] );
	}

	public function test_put_accepts_a_custom_parameter_and_an_http_address(): void {
		$body = array_merge( self::good_body(), array( 'clickIdParam' => 'ref_id-2', 'appUrl' => 'http://localhost:8787' ) );
		$this->assertSame( 200, self::put( $body )->get_status() );
		$this->assertSame( 'ref_id-2', get_option( 'cartrelay_connection' )['click_id_param'] );
		$this->assertSame( 'http://localhost:8787', get_option( 'cartrelay_connection' )['app_url'] );
	}

	/**
	 * Bodies PUT must refuse.
	 *
	 * @return array
	 */
	public function bad_bodies(): array {
		$good = self::good_body();
		$with = static function ( $field, $value ) use ( $good ) {
			$good[ $field ] = $value;
			return $good;
		};
		$without = static function ( $field ) use ( $good ) {
			unset( $good[ $field ] );
			return $good;
		};
		return array(
			'not JSON'                 => array( 'not json', 'JSON object' ),
			'a JSON array'             => array( '[1,2]', 'JSON object' ),
			'empty object'             => array( '{}', 'linkSecret is missing' ),
			'no linkSecret'            => array( $without( 'linkSecret' ), 'linkSecret' ),
			'short linkSecret'         => array( $with( 'linkSecret', substr( self::SECRET, 1 ) ), 'linkSecret' ),
			'long linkSecret'          => array( $with( 'linkSecret', self::SECRET . 'A' ), 'linkSecret' ),
			'padded base64 secret'     => array( $with( 'linkSecret', substr( self::SECRET, 0, 42 ) . '=' ), 'linkSecret' ),
			'non-base64url secret'     => array( $with( 'linkSecret', substr( self::SECRET, 0, 42 ) . '+' ), 'linkSecret' ),
			'numeric linkSecret'       => array( $with( 'linkSecret', 12345 ), 'linkSecret' ),
			'no clickIdParam'          => array( $without( 'clickIdParam' ), 'clickIdParam' ),
			'empty clickIdParam'       => array( $with( 'clickIdParam', '' ), 'clickIdParam' ),
			'clickIdParam with space'  => array( $with( 'clickIdParam', 'irc lickid' ), 'clickIdParam' ),
			'clickIdParam with ='      => array( $with( 'clickIdParam', 'a=b' ), 'clickIdParam' ),
			'65-char clickIdParam'     => array( $with( 'clickIdParam', str_repeat( 'a', 65 ) ), 'clickIdParam' ),
			'no keyId'                 => array( $without( 'keyId' ), 'keyId' ),
			'string keyId'             => array( $with( 'keyId', '42' ), 'keyId' ),
			'zero keyId'               => array( $with( 'keyId', 0 ), 'keyId' ),
			'negative keyId'           => array( $with( 'keyId', -3 ), 'keyId' ),
			'float keyId'              => array( $with( 'keyId', 4.5 ), 'keyId' ),
			'no appUrl'                => array( $without( 'appUrl' ), 'appUrl' ),
			'ftp appUrl'               => array( $with( 'appUrl', 'ftp://relay.example' ), 'appUrl' ),
			'javascript appUrl'        => array( $with( 'appUrl', 'javascript:alert(1)' ), 'appUrl' ),
			'relative appUrl'          => array( $with( 'appUrl', '/relay' ), 'appUrl' ),
			'appUrl with a query'      => array( $with( 'appUrl', 'https://relay.example/?a=b' ), 'appUrl' ),
			'appUrl with credentials'  => array( $with( 'appUrl', 'https://u:p@relay.example' ), 'appUrl' ),
		);
	}

	/**
	 * @dataProvider bad_bodies
	 *
	 * @param mixed  $body    The body.
	 * @param string $mention What the error message must mention.
	 */
	public function test_put_refuses_a_bad_body_and_keeps_nothing( $body, string $mention ): void {
		$response = self::put( $body );
		$this->assertInstanceOf( WP_Error::class, $response );
		$this->assertSame( array( 'status' => 400 ), $response->get_error_data() );
		$this->assertStringContainsString( $mention, $response->get_error_message() );
		$this->assertArrayNotHasKey( 'cartrelay_connection', CartRelay_Test_World::$options );
	}

	public function test_a_bad_put_leaves_the_existing_connection_alone(): void {
		$this->connect();
		$before = get_option( 'cartrelay_connection' );
		$this->assertInstanceOf( WP_Error::class, self::put( array_merge( self::good_body(), array( 'keyId' => 'x' ) ) ) );
		$this->assertSame( $before, get_option( 'cartrelay_connection' ) );
	}

	public function test_get_never_returns_the_secret(): void {
		$response = CartRelay_Connection_Route::get_connection();
		$this->assertSame( array( 'connected' => false, 'clickIdParam' => 'irclickid' ), $response->get_data() );

		self::put( array_merge( self::good_body(), array( 'clickIdParam' => 'clickref' ) ) );
		$response = CartRelay_Connection_Route::get_connection();
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'connected' => true, 'clickIdParam' => 'clickref' ), $response->get_data() );
		$this->assertStringNotContainsString( self::SECRET, json_encode( $response->get_data() ) );
	}

	public function test_delete_clears_the_connection(): void {
		self::put( self::good_body() );
		update_option( 'cartrelay_app_url', 'https://relay.example' );
		$response = CartRelay_Connection_Route::delete_connection();
		$this->assertSame( array( 'connected' => false ), $response->get_data() );
		$this->assertArrayNotHasKey( 'cartrelay_connection', CartRelay_Test_World::$options );
		$this->assertFalse( CartRelay_Connection::is_connected() );
		$this->assertSame( 'https://relay.example', get_option( 'cartrelay_app_url' ), 'The address stays for the next Connect.' );
	}
}
