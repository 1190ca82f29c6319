<?php
/**
 * The connection to CartRelay: its address, and what CartRelay pushed (option cartrelay_connection).
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads, validates and keeps the connection.
 */
final class CartRelay_Connection {

	/**
	 * CartRelay's address for Connect, without a trailing slash: the CARTRELAY_APP_URL constant if
	 * defined, else the cartrelay_app_url option; '' when neither holds an http(s) URL.
	 *
	 * @return string
	 */
	public static function app_url() {
		$url = self::is_app_url_locked() ? CARTRELAY_APP_URL : get_option( CartRelay_Contract::OPTION_APP_URL, '' );
		return null === self::app_url_error( $url ) ? untrailingslashit( $url ) : '';
	}

	/**
	 * Whether the address comes from the CARTRELAY_APP_URL constant (the settings field is then hidden).
	 *
	 * @return bool
	 */
	public static function is_app_url_locked() {
		return defined( 'CARTRELAY_APP_URL' );
	}

	/**
	 * The connection CartRelay pushed, or null when not connected.
	 *
	 * @return array{link_secret: string, click_id_param: string, key_id: int, app_url: string, connected_at: int}|null
	 */
	public static function get() {
		$connection = get_option( CartRelay_Contract::OPTION_CONNECTION, null );
		if ( ! is_array( $connection )
			|| ! isset( $connection['link_secret'], $connection['click_id_param'], $connection['key_id'], $connection['app_url'] )
			|| null !== self::link_secret_error( $connection['link_secret'] )
			|| null !== self::app_url_error( $connection['app_url'] ) ) {
			return null;
		}
		return array(
			'link_secret'    => $connection['link_secret'],
			'click_id_param' => null === self::click_id_param_error( $connection['click_id_param'] ) ? $connection['click_id_param'] : CartRelay_Contract::DEFAULT_CLICK_ID_PARAM,
			'key_id'         => (int) $connection['key_id'],
			'app_url'        => untrailingslashit( $connection['app_url'] ),
			'connected_at'   => isset( $connection['connected_at'] ) ? (int) $connection['connected_at'] : 0,
		);
	}

	/**
	 * Whether CartRelay has pushed a connection (and it was not cleared since).
	 *
	 * @return bool
	 */
	public static function is_connected() {
		return null !== self::get();
	}

	/**
	 * The landing address's click id parameter: the connection's, else irclickid.
	 *
	 * @return string
	 */
	public static function click_id_param() {
		$connection = self::get();
		return null === $connection ? CartRelay_Contract::DEFAULT_CLICK_ID_PARAM : $connection['click_id_param'];
	}

	/**
	 * Checks a body pushed by CartRelay: { linkSecret, clickIdParam, keyId, appUrl }.
	 *
	 * @param mixed $body The decoded JSON body.
	 * @return string[] Why it is refused, one message a field; empty when it is valid.
	 */
	public static function validate( $body ) {
		if ( ! is_array( $body ) || ( array() !== $body && array_keys( $body ) === range( 0, count( $body ) - 1 ) ) ) {
			return array( 'The body must be a JSON object.' );
		}
		$checks = array(
			'linkSecret'   => 'link_secret_error',
			'clickIdParam' => 'click_id_param_error',
			'keyId'        => 'key_id_error',
			'appUrl'       => 'app_url_error',
		);
		$errors = array();
		foreach ( $checks as $field => $check ) {
			if ( ! array_key_exists( $field, $body ) ) {
				$errors[] = sprintf( '%s is missing.', $field );
				continue;
			}
			$error = self::$check( $body[ $field ] );
			if ( null !== $error ) {
				$errors[] = sprintf( '%s %s', $field, $error );
			}
		}
		return $errors;
	}

	/**
	 * Keeps a body that validate() accepted.
	 *
	 * @param array $body { linkSecret, clickIdParam, keyId, appUrl }.
	 * @return void
	 */
	public static function save( array $body ) {
		update_option(
			CartRelay_Contract::OPTION_CONNECTION,
			array(
				'link_secret'    => $body['linkSecret'],
				'click_id_param' => $body['clickIdParam'],
				'key_id'         => $body['keyId'],
				'app_url'        => untrailingslashit( $body['appUrl'] ),
				'connected_at'   => time(),
			)
		);
	}

	/**
	 * Forgets the connection. The address option stays, so that Connect works again.
	 *
	 * @return void
	 */
	public static function clear() {
		delete_option( CartRelay_Contract::OPTION_CONNECTION );
	}

	/**
	 * Why a link secret is refused, or null.
	 *
	 * @param mixed $value The value.
	 * @return string|null
	 */
	public static function link_secret_error( $value ) {
		return is_string( $value ) && 1 === preg_match( CartRelay_Contract::LINK_SECRET_PATTERN, $value )
			? null
			: 'must be 43 characters of base64url.';
	}

	/**
	 * Why a click id parameter is refused, or null.
	 *
	 * @param mixed $value The value.
	 * @return string|null
	 */
	public static function click_id_param_error( $value ) {
		return is_string( $value ) && 1 === preg_match( CartRelay_Contract::CLICK_ID_PARAM_PATTERN, $value )
			? null
			: 'must be 1 to 64 characters among A-Z, a-z, 0-9, "_" and "-".';
	}

	/**
	 * Why an API key id is refused, or null.
	 *
	 * @param mixed $value The value.
	 * @return string|null
	 */
	public static function key_id_error( $value ) {
		return is_int( $value ) && 0 < $value ? null : 'must be a positive integer.';
	}

	/**
	 * Why an address is refused, or null: it must be an http(s) URL with a host, and no credentials,
	 * query or fragment.
	 *
	 * @param mixed $value The value.
	 * @return string|null
	 */
	public static function app_url_error( $value ) {
		$error = 'must be an http or https URL without query or fragment.';
		if ( ! is_string( $value ) || 2048 < strlen( $value ) || false === filter_var( $value, FILTER_VALIDATE_URL ) ) {
			return $error;
		}
		$parts = wp_parse_url( $value );
		if ( ! is_array( $parts ) || ! isset( $parts['scheme'], $parts['host'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return $error;
		}
		if ( isset( $parts['user'] ) || isset( $parts['pass'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
			return $error;
		}
		return null;
	}
}
