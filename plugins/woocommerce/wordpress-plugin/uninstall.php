<?php
/**
 * Deleting the plugin deletes its options. CartRelay is not called: Disconnect, on the settings
 * page, tells it and deletes the API key it held.
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

delete_option( 'cartrelay_connection' );
delete_option( 'cartrelay_app_url' );
