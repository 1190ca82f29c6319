<?php
/**
 * Wires the plugin into WordPress and WooCommerce.
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's hooks.
 */
final class CartRelay_Plugin {

	/**
	 * The main plugin file.
	 *
	 * @var string
	 */
	private static $file = '';

	/**
	 * Registers every hook (called once, from the main file).
	 *
	 * @param string $file The main plugin file.
	 * @return void
	 */
	public static function register( $file ) {
		self::$file = $file;
		add_action( 'before_woocommerce_init', array( __CLASS__, 'declare_compatibility' ) );
		( new CartRelay_Click_Capture() )->register();
		add_action( 'rest_api_init', array( 'CartRelay_Connection_Route', 'register_routes' ) );
		CartRelay_Settings_Page::register();
		add_filter( 'plugin_action_links_' . plugin_basename( $file ), array( __CLASS__, 'action_links' ) );
	}

	/**
	 * Declares that the plugin works with HPOS (custom order tables) and the block checkout.
	 *
	 * @return void
	 */
	public static function declare_compatibility() {
		if ( class_exists( '\Automattic\WooCommerce\Utilities\FeaturesUtil' ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', self::$file, true );
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', self::$file, true );
		}
	}

	/**
	 * Adds "Settings" beside the plugin in Plugins.
	 *
	 * @param string[] $links The plugin's action links.
	 * @return string[]
	 */
	public static function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( CartRelay_Settings_Page::page_url() ) . '">' . esc_html__( 'Settings', 'cartrelay-for-woocommerce' ) . '</a>' );
		return $links;
	}
}
