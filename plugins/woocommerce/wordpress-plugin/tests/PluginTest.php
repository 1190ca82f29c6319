<?php
/**
 * The plugin's header, its wiring, its compatibility declarations and uninstall.
 *
 * @package CartRelay_For_WooCommerce
 */

use Automattic\WooCommerce\Utilities\FeaturesUtil;

/**
 * The main file and uninstall.php.
 */
final class PluginTest extends CartRelay_Test_Case {

	public function test_the_header(): void {
		$source = (string) file_get_contents( dirname( __DIR__ ) . '/cartrelay-for-woocommerce.php' );
		$header = array();
		foreach ( array( 'Plugin Name', 'Requires at least', 'Requires PHP', 'WC requires at least', 'WC tested up to', 'Requires Plugins', 'License', 'Text Domain' ) as $field ) {
			$this->assertSame( 1, preg_match( '/^[ \t\/*#@]*' . preg_quote( $field, '/' ) . ':(.*)$/mi', $source, $match ), $field );
			$header[ $field ] = trim( $match[1] );
		}
		$this->assertSame( 'CartRelay for WooCommerce', $header['Plugin Name'] );
		$this->assertSame( '6.4', $header['Requires at least'] );
		$this->assertSame( '7.4', $header['Requires PHP'] );
		$this->assertSame( '8.0', $header['WC requires at least'] );
		$this->assertMatchesRegularExpression( '/^9\.\d+$/', $header['WC tested up to'] );
		$this->assertSame( 'woocommerce', $header['Requires Plugins'] );
		$this->assertSame( 'GPL-2.0-or-later', $header['License'] );
		$this->assertSame( 'cartrelay-for-woocommerce', $header['Text Domain'] );
	}

	public function test_every_shipped_php_file_exits_without_wordpress(): void {
		$root  = dirname( __DIR__ );
		$files = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $root, FilesystemIterator::SKIP_DOTS ) );
		$count = 0;
		foreach ( $files as $file ) {
			$path = (string) $file;
			if ( '.php' !== substr( $path, -4 ) || 0 === strpos( $path, $root . '/tests/' ) ) {
				continue;
			}
			$this->assertMatchesRegularExpression( "/\\A<\\?php\\n\\/\\*\\*.*?\\*\\/\\n\\ndefined\\( 'ABSPATH' \\) \\|\\| exit;\\n/s", (string) file_get_contents( $path ), $path );
			++$count;
		}
		$this->assertGreaterThanOrEqual( 9, $count );
	}

	public function test_it_declares_hpos_and_block_checkout_compatibility(): void {
		FeaturesUtil::$declared = array();
		$this->assertSame( 1, count( $GLOBALS['cartrelay_test_main_file_hooks']['before_woocommerce_init'] ) );
		call_user_func( $GLOBALS['cartrelay_test_main_file_hooks']['before_woocommerce_init'][0]['callback'] );
		$main = realpath( dirname( __DIR__ ) . '/cartrelay-for-woocommerce.php' );
		$this->assertSame(
			array(
				array( 'custom_order_tables', $main, true ),
				array( 'cart_checkout_blocks', $main, true ),
			),
			array_map(
				static function ( $call ) {
					return array( $call[0], realpath( $call[1] ), $call[2] );
				},
				FeaturesUtil::$declared
			)
		);
	}

	public function test_the_settings_link(): void {
		$hooks = $GLOBALS['cartrelay_test_main_file_hooks'];
		$this->assertArrayHasKey( 'plugin_action_links_wordpress-plugin/cartrelay-for-woocommerce.php', $hooks );
		$links = call_user_func( $hooks['plugin_action_links_wordpress-plugin/cartrelay-for-woocommerce.php'][0]['callback'], array( '<a>Deactivate</a>' ) );
		$this->assertSame( '<a href="https://shop.example/wp-admin/admin.php?page=cartrelay">Settings</a>', $links[0] );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_uninstall_deletes_both_options(): void {
		update_option( 'cartrelay_connection', array( 'link_secret' => self::SECRET ) );
		update_option( 'cartrelay_app_url', 'https://relay.example' );
		update_option( 'woocommerce_currency', 'EUR' );
		define( 'WP_UNINSTALL_PLUGIN', 'cartrelay-for-woocommerce/cartrelay-for-woocommerce.php' );
		require dirname( __DIR__ ) . '/uninstall.php';
		$this->assertSame( array( 'woocommerce_currency' => 'EUR' ), CartRelay_Test_World::$options );
	}
}
