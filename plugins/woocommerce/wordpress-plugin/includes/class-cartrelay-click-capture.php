<?php
/**
 * Click capture: the landing address (path and query string) of a visit that came with a click id
 * or a shared id is kept in a first-party cookie, cartrelay_landing, for 30 days; at checkout,
 * classic or block, it is copied to the order's _cartrelay_landing meta, through the order CRUD so
 * that it works with HPOS. The last click wins; an order keeps the first value written to it.
 *
 * A full-page cache may serve the landing page without running PHP, so every front-end page also
 * carries a tiny inline script that sets the same cookie from location. The cookie is not HttpOnly:
 * the script must be able to replace it for the last click to win on a cached page, and it holds
 * only an address the visitor came through.
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Captures landing addresses and writes them to orders.
 */
final class CartRelay_Click_Capture {

	/**
	 * Writes a cookie: function ( string $name, string $value, array $options ): void.
	 *
	 * @var callable
	 */
	private $cookie_writer;

	/**
	 * Builds the capture.
	 *
	 * @param callable|null $cookie_writer Writes the cookie; setcookie() by default.
	 */
	public function __construct( $cookie_writer = null ) {
		$this->cookie_writer = null !== $cookie_writer ? $cookie_writer : static function ( $name, $value, $options ) {
			if ( ! headers_sent() ) {
				setcookie( $name, $value, $options );
			}
		};
	}

	/**
	 * Hooks the capture, the footer script and both checkouts.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'template_redirect', array( $this, 'capture' ) );
		add_action( 'wp_footer', array( $this, 'print_script' ) );
		add_action( 'woocommerce_checkout_create_order', array( $this, 'copy_to_order' ), 10, 1 );
		add_action( 'woocommerce_store_api_checkout_update_order_from_request', array( $this, 'copy_to_order' ), 10, 1 );
	}

	/**
	 * On a front-end page (template_redirect): keeps the landing address when the query string
	 * carries the click id parameter or sharedid.
	 *
	 * @return void
	 */
	public function capture() {
		if ( ! self::is_front_end_page() || ! self::has_click_param() ) {
			return;
		}
		$uri = isset( $_SERVER['REQUEST_URI'] ) && is_string( $_SERVER['REQUEST_URI'] ) ? wp_unslash( $_SERVER['REQUEST_URI'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- checked against the landing pattern just below; sanitize_text_field would strip its percent-encoding.
		$uri = self::valid_landing( $uri );
		if ( null === $uri ) {
			return;
		}
		call_user_func(
			$this->cookie_writer,
			CartRelay_Contract::LANDING_COOKIE,
			$uri,
			array(
				'expires'  => time() + CartRelay_Contract::LANDING_COOKIE_MAX_AGE,
				'path'     => self::cookie_path(),
				'domain'   => defined( 'COOKIE_DOMAIN' ) && COOKIE_DOMAIN ? COOKIE_DOMAIN : '',
				'secure'   => is_ssl(),
				'httponly' => false,
				'samesite' => 'Lax',
			)
		);
	}

	/**
	 * On wp_footer: the same capture in the browser, for pages served by a full-page cache.
	 *
	 * @return void
	 */
	public function print_script() {
		if ( is_admin() || is_feed() ) {
			return;
		}
		wp_print_inline_script_tag( self::script() );
	}

	/**
	 * The footer script: sets cartrelay_landing from location when the query string carries the click
	 * id parameter or sharedid (non-empty), the address fits in 2048 bytes and starts with "/".
	 *
	 * @return string
	 */
	public static function script() {
		$params = wp_json_encode( array( CartRelay_Connection::click_id_param(), CartRelay_Contract::SHARED_ID_PARAM ) );
		$path   = wp_json_encode( self::cookie_path() );
		return '(function(){var q=new URLSearchParams(location.search),u=location.pathname+location.search;'
			. 'if(!' . $params . '.some(function(n){return q.get(n)})||u.length>' . CartRelay_Contract::LANDING_MAX_BYTES . ')return;'
			. 'document.cookie="' . CartRelay_Contract::LANDING_COOKIE . '="+encodeURIComponent(u)+";Max-Age=' . CartRelay_Contract::LANDING_COOKIE_MAX_AGE
			. ';Path="+' . $path . '+";SameSite=Lax"+("https:"===location.protocol?";Secure":"")})();';
	}

	/**
	 * At checkout (woocommerce_checkout_create_order, woocommerce_store_api_checkout_update_order_from_request):
	 * copies the cookie to the order's _cartrelay_landing meta, unless the order has one. WooCommerce
	 * saves the order right after both actions.
	 *
	 * @param WC_Order $order The order.
	 * @return void
	 */
	public function copy_to_order( $order ) {
		if ( ! is_object( $order ) || ! method_exists( $order, 'update_meta_data' ) ) {
			return;
		}
		$landing = self::landing_from_cookie();
		if ( null === $landing || '' !== (string) $order->get_meta( CartRelay_Contract::META_LANDING, true ) ) {
			return;
		}
		$order->update_meta_data( CartRelay_Contract::META_LANDING, $landing );
	}

	/**
	 * The landing address kept in the cookie, or null when there is none or it is not one.
	 *
	 * @return string|null
	 */
	public static function landing_from_cookie() {
		if ( ! isset( $_COOKIE[ CartRelay_Contract::LANDING_COOKIE ] ) || ! is_string( $_COOKIE[ CartRelay_Contract::LANDING_COOKIE ] ) ) {
			return null;
		}
		return self::valid_landing( wp_unslash( $_COOKIE[ CartRelay_Contract::LANDING_COOKIE ] ) ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- valid_landing() accepts only URL characters; sanitize_text_field would strip the percent-encoding.
	}

	/**
	 * A landing address, or null: it must start with "/", fit in 2048 bytes and hold only URL
	 * characters (printable ASCII but space, quotes, angle brackets, backslash and backtick). Such a
	 * value is what sanitize_text_field() would keep, except for the percent-encoding it would strip.
	 *
	 * @param mixed $value The value.
	 * @return string|null
	 */
	public static function valid_landing( $value ) {
		if ( ! is_string( $value ) || CartRelay_Contract::LANDING_MAX_BYTES < strlen( $value ) ) {
			return null;
		}
		return 1 === preg_match( CartRelay_Contract::LANDING_PATTERN, $value ) ? $value : null;
	}

	/**
	 * Whether the query string carries the click id parameter or sharedid, non-empty.
	 *
	 * @return bool
	 */
	private static function has_click_param() {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- a partner's landing link carries no nonce; only presence is read.
		foreach ( array( CartRelay_Connection::click_id_param(), CartRelay_Contract::SHARED_ID_PARAM ) as $param ) {
			if ( isset( $_GET[ $param ] ) && is_string( $_GET[ $param ] ) && '' !== $_GET[ $param ] ) {
				return true;
			}
		}
		// phpcs:enable WordPress.Security.NonceVerification.Recommended
		return false;
	}

	/**
	 * Whether this request renders a front-end page: not wp-admin, AJAX, REST or a feed.
	 *
	 * @return bool
	 */
	private static function is_front_end_page() {
		if ( is_admin() || wp_doing_ajax() || is_feed() ) {
			return false;
		}
		$rest = function_exists( 'wp_is_serving_rest_request' ) ? wp_is_serving_rest_request() : ( defined( 'REST_REQUEST' ) && REST_REQUEST );
		return ! $rest;
	}

	/**
	 * The cookie's path: COOKIEPATH, else "/".
	 *
	 * @return string
	 */
	private static function cookie_path() {
		return defined( 'COOKIEPATH' ) && COOKIEPATH ? COOKIEPATH : '/';
	}
}
