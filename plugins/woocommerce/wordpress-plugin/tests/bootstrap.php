<?php
/**
 * Runs the plugin under PHPUnit without WordPress: the WordPress and WooCommerce functions and
 * classes it uses, stubbed, recording what the plugin does (hooks, options, redirects, HTTP
 * requests, REST routes, database deletes, cookies).
 *
 * @package CartRelay_For_WooCommerce
 */

// phpcs:disable

define( 'ABSPATH', __DIR__ . '/' );

/** A redirect: wp_redirect() and wp_safe_redirect() throw it, so that the handler's exit is never reached. */
class CartRelay_Test_Redirect extends Exception {
	public $location;
	public $safe;
	public function __construct( $location, $safe ) {
		parent::__construct( 'redirect to ' . $location );
		$this->location = $location;
		$this->safe     = $safe;
	}
}

/** wp_die(), thrown. */
class CartRelay_Test_Die extends Exception {
}

/** The state the stubs read and record; reset before each test. */
final class CartRelay_Test_World {
	public static $options;
	public static $hooks;
	public static $caps;
	public static $user_id;
	public static $redirects;
	public static $remote_posts;
	public static $remote_response;
	public static $routes;
	public static $env;

	public static function reset() {
		self::$options         = array();
		self::$hooks           = array();
		self::$caps            = array( 'manage_woocommerce' => true );
		self::$user_id         = 1;
		self::$redirects       = array();
		self::$remote_posts    = array();
		self::$remote_response = array( 'response' => array( 'code' => 200, 'message' => 'OK' ), 'body' => '{}' );
		self::$routes          = array();
		self::$env             = array(
			'is_admin' => false,
			'ajax'     => false,
			'rest'     => false,
			'feed'     => false,
			'ssl'      => true,
		);
		$GLOBALS['wpdb'] = new CartRelay_Test_Wpdb();
		$_GET            = array();
		$_POST           = array();
		$_REQUEST        = array();
		$_COOKIE         = array();
		$_SERVER['REQUEST_URI'] = '/';
	}

	/** Calls the callbacks hooked to an action, as do_action() would. */
	public static function fire( $hook, ...$args ) {
		$called = 0;
		foreach ( isset( self::$hooks[ $hook ] ) ? self::$hooks[ $hook ] : array() as $hooked ) {
			call_user_func_array( $hooked['callback'], array_slice( $args, 0, $hooked['accepted_args'] ) );
			++$called;
		}
		return $called;
	}
}

/** $wpdb, recording delete(). */
final class CartRelay_Test_Wpdb {
	public $prefix  = 'wp_';
	public $deleted = array();
	public function delete( $table, $where, $where_format = null ) {
		$this->deleted[] = array( $table, $where, $where_format );
		return 1;
	}
}

/** A WooCommerce order: meta through the CRUD only. */
final class CartRelay_Test_Order {
	public $meta = array();
	public function update_meta_data( $key, $value ) {
		$this->meta[ $key ] = $value;
	}
	public function get_meta( $key = '', $single = true ) {
		return isset( $this->meta[ $key ] ) ? $this->meta[ $key ] : '';
	}
}

class WP_Error {
	public $errors = array();
	public $error_data = array();
	public function __construct( $code = '', $message = '', $data = '' ) {
		$this->errors[ $code ][]    = $message;
		$this->error_data[ $code ] = $data;
	}
	public function get_error_code() {
		$codes = array_keys( $this->errors );
		return $codes[0];
	}
	public function get_error_message() {
		return $this->errors[ $this->get_error_code() ][0];
	}
	public function get_error_data() {
		return $this->error_data[ $this->get_error_code() ];
	}
}

class WP_REST_Request {
	private $method;
	private $body;
	public function __construct( $method = 'GET', $route = '' ) {
		$this->method = $method;
	}
	public function set_body( $body ) {
		$this->body = $body;
	}
	public function get_method() {
		return $this->method;
	}
	public function get_json_params() {
		return json_decode( (string) $this->body, true );
	}
}

class WP_REST_Response {
	public $data;
	public $status;
	public function __construct( $data = null, $status = 200 ) {
		$this->data   = $data;
		$this->status = $status;
	}
	public function get_data() {
		return $this->data;
	}
	public function get_status() {
		return $this->status;
	}
}

function add_action( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	CartRelay_Test_World::$hooks[ $hook ][] = array(
		'callback'      => $callback,
		'priority'      => $priority,
		'accepted_args' => $accepted_args,
	);
	return true;
}
function add_filter( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	return add_action( $hook, $callback, $priority, $accepted_args );
}
function get_option( $name, $default = false ) {
	return array_key_exists( $name, CartRelay_Test_World::$options ) ? CartRelay_Test_World::$options[ $name ] : $default;
}
function update_option( $name, $value, $autoload = null ) {
	CartRelay_Test_World::$options[ $name ] = $value;
	return true;
}
function delete_option( $name ) {
	unset( CartRelay_Test_World::$options[ $name ] );
	return true;
}
function home_url( $path = '' ) {
	return 'https://shop.example' . $path;
}
function admin_url( $path = '' ) {
	return 'https://shop.example/wp-admin/' . $path;
}
function current_user_can( $capability ) {
	return ! empty( CartRelay_Test_World::$caps[ $capability ] );
}
function get_current_user_id() {
	return CartRelay_Test_World::$user_id;
}
function wp_verify_nonce( $nonce, $action = -1 ) {
	return 'nonce-' . $action === $nonce ? 1 : false;
}
function wp_nonce_field( $action = -1, $name = '_wpnonce' ) {
	echo '<input type="hidden" name="' . $name . '" value="nonce-' . $action . '" />';
}
function wp_redirect( $location, $status = 302 ) {
	CartRelay_Test_World::$redirects[] = $location;
	throw new CartRelay_Test_Redirect( $location, false );
}
function wp_safe_redirect( $location, $status = 302 ) {
	CartRelay_Test_World::$redirects[] = $location;
	throw new CartRelay_Test_Redirect( $location, true );
}
function wp_die( $message = '', $title = '', $args = array() ) {
	throw new CartRelay_Test_Die( (string) $message );
}
function wp_remote_post( $url, $args = array() ) {
	CartRelay_Test_World::$remote_posts[] = array( $url, $args );
	return CartRelay_Test_World::$remote_response;
}
function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}
function wp_remote_retrieve_response_code( $response ) {
	return is_array( $response ) && isset( $response['response']['code'] ) ? $response['response']['code'] : '';
}
function wp_json_encode( $data, $options = 0, $depth = 512 ) {
	return json_encode( $data, $options, $depth );
}
function register_rest_route( $route_namespace, $route, $args = array(), $override = false ) {
	CartRelay_Test_World::$routes[] = array( $route_namespace, $route, $args );
	return true;
}
function untrailingslashit( $value ) {
	return rtrim( $value, '/\\' );
}
function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}
function wp_unslash( $value ) {
	return is_string( $value ) ? stripslashes( $value ) : $value;
}
function sanitize_text_field( $value ) {
	// WordPress's, minus the UTF-8 check: tags, line breaks, tabs, octets and extra spaces go.
	$value = strip_tags( (string) $value );
	$value = preg_replace( '/[\r\n\t ]+/', ' ', $value );
	$value = preg_replace( '/%[a-f0-9]{2}/i', '', $value );
	return trim( $value );
}
function sanitize_key( $key ) {
	return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
}
function is_admin() {
	return CartRelay_Test_World::$env['is_admin'];
}
function wp_doing_ajax() {
	return CartRelay_Test_World::$env['ajax'];
}
function wp_is_serving_rest_request() {
	return CartRelay_Test_World::$env['rest'];
}
function is_feed() {
	return CartRelay_Test_World::$env['feed'];
}
function is_ssl() {
	return CartRelay_Test_World::$env['ssl'];
}
function wp_print_inline_script_tag( $javascript, $attributes = array() ) {
	echo '<script>' . $javascript . "</script>\n";
}
function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_url( $url ) {
	return htmlspecialchars( (string) $url, ENT_QUOTES, 'UTF-8' );
}
function __( $text, $domain = 'default' ) {
	return $text;
}
function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}
function esc_html_e( $text, $domain = 'default' ) {
	echo esc_html( $text );
}
function wp_date( $format, $timestamp = null ) {
	return gmdate( 'Y-m-d H:i', (int) $timestamp );
}
function plugin_basename( $file ) {
	return basename( dirname( $file ) ) . '/' . basename( $file );
}
function add_submenu_page( $parent, $page_title, $menu_title, $capability, $slug, $callback = '' ) {
	CartRelay_Test_World::$hooks['test:submenu'][] = array(
		'callback'      => array( $parent, $capability, $slug ),
		'priority'      => 10,
		'accepted_args' => 0,
	);
	return 'hook';
}

require_once __DIR__ . '/stubs/class-features-util.php';
require_once __DIR__ . '/class-cartrelay-test-case.php';

CartRelay_Test_World::reset();
require_once dirname( __DIR__ ) . '/cartrelay-for-woocommerce.php';
/** The hooks the main file registered, for the wiring tests. */
$GLOBALS['cartrelay_test_main_file_hooks'] = CartRelay_Test_World::$hooks;
