<?php
/**
 * The REST route CartRelay calls: /wp-json/wc-cartrelay/v1/connection.
 *
 * WooCommerce authenticates it with the API key CartRelay received through /wc-auth/v1/authorize
 * (its REST authentication covers every namespace starting with "wc-") and makes the key's user the
 * current user, who must be able to manage WooCommerce.
 *
 * - PUT    { linkSecret, clickIdParam, keyId, appUrl }: keeps the connection; 400 and nothing kept
 *          on anything else. Answers { connected: true }.
 * - GET    { connected, clickIdParam }, never the secret.
 * - DELETE forgets the connection. Answers { connected: false }.
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers and answers the connection route.
 */
final class CartRelay_Connection_Route {

	/**
	 * Registers the route (on rest_api_init).
	 *
	 * @return void
	 */
	public static function register_routes() {
		register_rest_route(
			CartRelay_Contract::REST_NAMESPACE,
			CartRelay_Contract::REST_ROUTE,
			array(
				array(
					'methods'             => 'GET',
					'callback'            => array( __CLASS__, 'get_connection' ),
					'permission_callback' => array( __CLASS__, 'can_manage' ),
				),
				array(
					'methods'             => 'PUT',
					'callback'            => array( __CLASS__, 'put_connection' ),
					'permission_callback' => array( __CLASS__, 'can_manage' ),
				),
				array(
					'methods'             => 'DELETE',
					'callback'            => array( __CLASS__, 'delete_connection' ),
					'permission_callback' => array( __CLASS__, 'can_manage' ),
				),
			)
		);
	}

	/**
	 * Whether the request's user (the API key's user) may manage WooCommerce.
	 *
	 * @return bool
	 */
	public static function can_manage() {
		return current_user_can( CartRelay_Contract::CAPABILITY );
	}

	/**
	 * GET: whether connected, and the click id parameter in use.
	 *
	 * @return WP_REST_Response
	 */
	public static function get_connection() {
		return new WP_REST_Response(
			array(
				'connected'    => CartRelay_Connection::is_connected(),
				'clickIdParam' => CartRelay_Connection::click_id_param(),
			),
			200
		);
	}

	/**
	 * PUT: validates every field, then keeps the connection.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function put_connection( $request ) {
		$body   = $request->get_json_params();
		$errors = CartRelay_Connection::validate( $body );
		if ( array() !== $errors ) {
			return new WP_Error(
				'cartrelay_invalid_connection',
				'Invalid connection: ' . implode( ' ', $errors ),
				array( 'status' => 400 )
			);
		}
		CartRelay_Connection::save( $body );
		return new WP_REST_Response( array( 'connected' => true ), 200 );
	}

	/**
	 * DELETE: forgets the connection.
	 *
	 * @return WP_REST_Response
	 */
	public static function delete_connection() {
		CartRelay_Connection::clear();
		return new WP_REST_Response( array( 'connected' => false ), 200 );
	}
}
