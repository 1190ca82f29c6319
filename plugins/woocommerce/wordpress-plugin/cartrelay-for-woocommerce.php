<?php
/**
 * Plugin Name:          CartRelay for WooCommerce
 * Plugin URI:           https://github.com/cartrelay/cartrelay
 * Description:          Sends WooCommerce orders to impact.com as conversions through CartRelay, with the partner's click captured on the landing page.
 * Version:              0.1.0
 * Requires at least:    6.4
 * Requires PHP:         7.4
 * Requires Plugins:     woocommerce
 * WC requires at least: 8.0
 * WC tested up to:      9.9
 * Author:               CartRelay
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          cartrelay-for-woocommerce
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

define( 'CARTRELAY_WC_VERSION', '0.1.0' );
define( 'CARTRELAY_WC_FILE', __FILE__ );

require_once __DIR__ . '/includes/class-cartrelay-contract.php';
require_once __DIR__ . '/includes/class-cartrelay-signer.php';
require_once __DIR__ . '/includes/class-cartrelay-connection.php';
require_once __DIR__ . '/includes/class-cartrelay-connection-route.php';
require_once __DIR__ . '/includes/class-cartrelay-click-capture.php';
require_once __DIR__ . '/includes/class-cartrelay-settings-page.php';
require_once __DIR__ . '/includes/class-cartrelay-plugin.php';

CartRelay_Plugin::register( CARTRELAY_WC_FILE );
