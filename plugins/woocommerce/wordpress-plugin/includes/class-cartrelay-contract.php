<?php
/**
 * What CartRelay and this plugin agree on, in one place: option names, the REST route CartRelay
 * calls, the paths under CartRelay's address, the cookie and the order meta. CartRelay's half of
 * the same contract lives in its own code; tests/fixtures/link-vector.json is a signed-link vector
 * both sides test against.
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * The contract's names and rules, as constants.
 */
final class CartRelay_Contract {

	/** The REST namespace; the `wc-` prefix makes WooCommerce accept its API keys for it. */
	const REST_NAMESPACE = 'wc-cartrelay/v1';

	/** The REST route CartRelay calls with PUT, GET and DELETE. */
	const REST_ROUTE = '/connection';

	/** Who may see and change the connection, in wp-admin and over REST. */
	const CAPABILITY = 'manage_woocommerce';

	/** The settings page's slug: wp-admin/admin.php?page=cartrelay. */
	const PAGE_SLUG = 'cartrelay';

	/** The text domain. */
	const TEXT_DOMAIN = 'cartrelay-for-woocommerce';

	/** CartRelay's paths, under its address. */
	const CONNECT_PATH    = '/woocommerce/connect';
	const OPEN_PATH       = '/woocommerce/open';
	const DISCONNECT_PATH = '/woocommerce/disconnect';

	/** How long a signed link or request stays valid, in seconds. */
	const LINK_TTL = 300;

	/** The option holding CartRelay's address when the CARTRELAY_APP_URL constant is not defined. */
	const OPTION_APP_URL = 'cartrelay_app_url';

	/** The option holding what CartRelay pushed: link_secret, click_id_param, key_id, app_url, connected_at. */
	const OPTION_CONNECTION = 'cartrelay_connection';

	/** The click id parameter until CartRelay pushes another. */
	const DEFAULT_CLICK_ID_PARAM = 'irclickid';

	/** impact.com's shared id parameter (not configurable). */
	const SHARED_ID_PARAM = 'sharedid';

	/** A click id parameter's name. */
	const CLICK_ID_PARAM_PATTERN = '/^[A-Za-z0-9_-]{1,64}$/D';

	/** A link secret: 43 characters of base64url (32 bytes, unpadded), used as-is as the HMAC key. */
	const LINK_SECRET_PATTERN = '/^[A-Za-z0-9_-]{43}$/D';

	/** The first-party cookie holding the landing address (path and query string). */
	const LANDING_COOKIE = 'cartrelay_landing';

	/** How long the landing cookie lives, in seconds (30 days). */
	const LANDING_COOKIE_MAX_AGE = 2592000;

	/** The longest landing address kept, in bytes. */
	const LANDING_MAX_BYTES = 2048;

	/**
	 * A landing address: starts with "/", then printable ASCII only, without space, quotes, angle
	 * brackets, backslash or backtick. Percent-encoding, "&" and "=" pass untouched.
	 */
	const LANDING_PATTERN = '/^\/[\x21\x23-\x3B\x3D\x3F-\x5B\x5D-\x5F\x61-\x7E]*$/D';

	/** The order meta CartRelay reads the landing address from. */
	const META_LANDING = '_cartrelay_landing';

	/**
	 * Every option the plugin keeps (uninstall deletes them).
	 *
	 * @return string[]
	 */
	public static function all_options() {
		return array( self::OPTION_CONNECTION, self::OPTION_APP_URL );
	}
}
