<?php
/**
 * The signed links and requests CartRelay checks ("Open CartRelay" and Disconnect).
 *
 * sig = base64url without padding of HMAC-SHA256( key, message ), where the key is the link secret
 * CartRelay pushed, used as-is (its 43 characters as bytes, not decoded), and the message is
 * "<purpose>\n<site>\n<user>\n<exp>": purpose "open" or "disconnect", site home_url( '/' ), user the
 * WordPress user id in decimal, exp unix seconds. tests/fixtures/link-vector.json is a vector both
 * sides test against.
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Signs links and requests to CartRelay.
 */
final class CartRelay_Signer {

	/** The purposes a signature may have. */
	const PURPOSES = array( 'open', 'disconnect' );

	/**
	 * The signature.
	 *
	 * @param string     $link_secret The link secret, as CartRelay pushed it.
	 * @param string     $purpose     "open" or "disconnect".
	 * @param string     $site        home_url( '/' ).
	 * @param int|string $user        The WordPress user id.
	 * @param int|string $exp         Expiry, unix seconds.
	 * @return string
	 * @throws InvalidArgumentException On an unknown purpose or an empty secret.
	 */
	public static function sign( $link_secret, $purpose, $site, $user, $exp ) {
		if ( ! in_array( $purpose, self::PURPOSES, true ) ) {
			throw new InvalidArgumentException( 'Unknown signature purpose.' );
		}
		if ( ! is_string( $link_secret ) || '' === $link_secret ) {
			throw new InvalidArgumentException( 'No link secret.' );
		}
		$message = $purpose . "\n" . $site . "\n" . (string) $user . "\n" . (string) $exp;
		return self::base64url_encode( hash_hmac( 'sha256', $message, $link_secret, true ) );
	}

	/**
	 * The signed fields: site, user (decimal string), exp (integer), sig.
	 *
	 * @param string $link_secret The link secret.
	 * @param string $purpose     "open" or "disconnect".
	 * @param string $site        home_url( '/' ).
	 * @param int    $user        The WordPress user id.
	 * @param int    $now         The time, unix seconds; the fields expire LINK_TTL later.
	 * @return array{site: string, user: string, exp: int, sig: string}
	 */
	public static function signed_fields( $link_secret, $purpose, $site, $user, $now ) {
		$user = (string) (int) $user;
		$exp  = (int) $now + CartRelay_Contract::LINK_TTL;
		return array(
			'site' => $site,
			'user' => $user,
			'exp'  => $exp,
			'sig'  => self::sign( $link_secret, $purpose, $site, $user, $exp ),
		);
	}

	/**
	 * The "Open CartRelay" address: <app url>/woocommerce/open?site=&user=&exp=&sig=.
	 *
	 * @param string $app_url     CartRelay's address, without a trailing slash.
	 * @param string $link_secret The link secret.
	 * @param string $site        home_url( '/' ).
	 * @param int    $user        The WordPress user id.
	 * @param int    $now         The time, unix seconds.
	 * @return string
	 */
	public static function open_url( $app_url, $link_secret, $site, $user, $now ) {
		$fields = self::signed_fields( $link_secret, 'open', $site, $user, $now );
		return $app_url . CartRelay_Contract::OPEN_PATH
			. '?site=' . rawurlencode( $fields['site'] )
			. '&user=' . rawurlencode( $fields['user'] )
			. '&exp=' . rawurlencode( (string) $fields['exp'] )
			. '&sig=' . rawurlencode( $fields['sig'] );
	}

	/**
	 * Base64url without padding.
	 *
	 * @param string $bytes Raw bytes.
	 * @return string
	 */
	public static function base64url_encode( $bytes ) {
		return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the signature's encoding.
	}
}
