<?php
/**
 * The tests' base: a fresh stubbed WordPress before each test.
 *
 * @package CartRelay_For_WooCommerce
 */

use PHPUnit\Framework\TestCase;

/**
 * Resets the stubs' state.
 */
abstract class CartRelay_Test_Case extends TestCase {

	/** A valid link secret (43 characters of base64url). */
	const SECRET = 'sbCYc2VCJozYqrudqWwTDwMdgOqS43aa0rH8ivCQqQA';

	protected function setUp(): void {
		parent::setUp();
		CartRelay_Test_World::reset();
	}

	/**
	 * Stores a connection, as the REST route's PUT would.
	 *
	 * @param array $overrides Fields to change.
	 * @return void
	 */
	protected function connect( array $overrides = array() ) {
		update_option(
			'cartrelay_connection',
			array_merge(
				array(
					'link_secret'    => self::SECRET,
					'click_id_param' => 'irclickid',
					'key_id'         => 42,
					'app_url'        => 'https://relay.example',
					'connected_at'   => 1767225000,
				),
				$overrides
			)
		);
	}

	/**
	 * The shared signed-link vector.
	 *
	 * @return array
	 */
	protected static function vector() {
		return json_decode( (string) file_get_contents( __DIR__ . '/fixtures/link-vector.json' ), true );
	}

	/**
	 * Runs a callable that must end with a redirect; returns the redirect.
	 *
	 * @param callable $run The handler.
	 * @return CartRelay_Test_Redirect
	 */
	protected function expect_redirect( callable $run ) {
		try {
			$run();
		} catch ( CartRelay_Test_Redirect $redirect ) {
			return $redirect;
		}
		$this->fail( 'Expected a redirect.' );
	}
}
