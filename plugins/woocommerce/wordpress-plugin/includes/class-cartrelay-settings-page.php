<?php
/**
 * WooCommerce › CartRelay: the connection's state, Connect, Open CartRelay, Disconnect and
 * CartRelay's address.
 *
 * Every button posts (or links) to admin-post.php, whose handler checks the action's nonce and the
 * manage_woocommerce capability before acting:
 * - Connect sends the merchant to <app url>/woocommerce/connect?site=<home url>, from where CartRelay
 *   runs WooCommerce's own key approval (/wc-auth/v1/authorize) and then pushes the connection to
 *   the REST route;
 * - Open CartRelay signs a link valid for five minutes at the moment it is clicked, so a page left
 *   open never holds a stale link;
 * - Disconnect posts a signed request to <app url>/woocommerce/disconnect, then, whatever the
 *   answer, deletes the WooCommerce API key CartRelay held and forgets the connection.
 *
 * @package CartRelay_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings page and its actions.
 */
final class CartRelay_Settings_Page {

	const ACTION_CONNECT    = 'cartrelay_connect';
	const ACTION_OPEN       = 'cartrelay_open';
	const ACTION_DISCONNECT = 'cartrelay_disconnect';
	const ACTION_SAVE       = 'cartrelay_save_settings';

	/** The address field's name. */
	const FIELD_APP_URL = 'cartrelay_app_url';

	/** The query argument naming the notice shown after an action. */
	const NOTICE_ARG = 'cartrelay_notice';

	/**
	 * Hooks the menu entry and the actions.
	 *
	 * @return void
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		add_action( 'admin_post_' . self::ACTION_CONNECT, array( __CLASS__, 'handle_connect' ) );
		add_action( 'admin_post_' . self::ACTION_OPEN, array( __CLASS__, 'handle_open' ) );
		add_action( 'admin_post_' . self::ACTION_DISCONNECT, array( __CLASS__, 'handle_disconnect' ) );
		add_action( 'admin_post_' . self::ACTION_SAVE, array( __CLASS__, 'handle_save' ) );
	}

	/**
	 * Adds WooCommerce › CartRelay.
	 *
	 * @return void
	 */
	public static function add_menu() {
		add_submenu_page(
			'woocommerce',
			__( 'CartRelay', 'cartrelay-for-woocommerce' ),
			__( 'CartRelay', 'cartrelay-for-woocommerce' ),
			CartRelay_Contract::CAPABILITY,
			CartRelay_Contract::PAGE_SLUG,
			array( __CLASS__, 'render' )
		);
	}

	/**
	 * The page's address.
	 *
	 * @return string
	 */
	public static function page_url() {
		return admin_url( 'admin.php?page=' . CartRelay_Contract::PAGE_SLUG );
	}

	/**
	 * Renders the page.
	 *
	 * @return void
	 */
	public static function render() {
		if ( ! current_user_can( CartRelay_Contract::CAPABILITY ) ) {
			wp_die( esc_html__( 'You are not allowed to manage CartRelay.', 'cartrelay-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
		$connection = CartRelay_Connection::get();
		$app_url    = CartRelay_Connection::app_url();
		$notice     = self::notice();
		$post_url   = admin_url( 'admin-post.php' );
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'CartRelay', 'cartrelay-for-woocommerce' ); ?></h1>
			<?php if ( null !== $notice ) : ?>
				<div class="notice notice-<?php echo esc_attr( $notice[0] ); ?>"><p><?php echo esc_html( $notice[1] ); ?></p></div>
			<?php endif; ?>
			<p><?php esc_html_e( 'CartRelay sends this store\'s orders to impact.com as conversions, with the partner\'s click captured on the landing page.', 'cartrelay-for-woocommerce' ); ?></p>

			<h2><?php esc_html_e( 'Connection', 'cartrelay-for-woocommerce' ); ?></h2>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><?php esc_html_e( 'Status', 'cartrelay-for-woocommerce' ); ?></th>
					<td>
						<?php if ( null !== $connection ) : ?>
							<strong>
							<?php
							echo esc_html(
								sprintf(
									/* translators: %s: the date and time CartRelay connected. */
									__( 'Connected since %s', 'cartrelay-for-woocommerce' ),
									wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $connection['connected_at'] )
								)
							);
							?>
							</strong>
							<p class="description">
							<?php
							echo esc_html(
								sprintf(
									/* translators: %s: the query parameter carrying the click id, such as irclickid. */
									__( 'Click id parameter in use: %s', 'cartrelay-for-woocommerce' ),
									$connection['click_id_param']
								)
							);
							?>
							</p>
						<?php else : ?>
							<strong><?php esc_html_e( 'Not connected', 'cartrelay-for-woocommerce' ); ?></strong>
						<?php endif; ?>
					</td>
				</tr>
			</table>

			<?php if ( null !== $connection ) : ?>
				<form method="post" action="<?php echo esc_url( $post_url ); ?>" target="_blank">
					<input type="hidden" name="action" value="<?php echo esc_attr( self::ACTION_OPEN ); ?>" />
					<?php wp_nonce_field( self::ACTION_OPEN ); ?>
					<p><button type="submit" class="button button-primary"><?php esc_html_e( 'Open CartRelay', 'cartrelay-for-woocommerce' ); ?></button></p>
				</form>
				<form method="post" action="<?php echo esc_url( $post_url ); ?>">
					<input type="hidden" name="action" value="<?php echo esc_attr( self::ACTION_DISCONNECT ); ?>" />
					<?php wp_nonce_field( self::ACTION_DISCONNECT ); ?>
					<p><button type="submit" class="button"><?php esc_html_e( 'Disconnect', 'cartrelay-for-woocommerce' ); ?></button></p>
					<p class="description"><?php esc_html_e( 'CartRelay stops receiving this store\'s orders and the API key it held is deleted.', 'cartrelay-for-woocommerce' ); ?></p>
				</form>
			<?php else : ?>
				<form method="post" action="<?php echo esc_url( $post_url ); ?>">
					<input type="hidden" name="action" value="<?php echo esc_attr( self::ACTION_CONNECT ); ?>" />
					<?php wp_nonce_field( self::ACTION_CONNECT ); ?>
					<p><button type="submit" class="button button-primary"<?php echo '' === $app_url ? ' disabled' : ''; ?>><?php esc_html_e( 'Connect', 'cartrelay-for-woocommerce' ); ?></button></p>
					<?php if ( '' === $app_url ) : ?>
						<p class="description"><?php esc_html_e( 'Enter CartRelay\'s address below first.', 'cartrelay-for-woocommerce' ); ?></p>
					<?php endif; ?>
				</form>
			<?php endif; ?>

			<h2><?php esc_html_e( 'CartRelay address', 'cartrelay-for-woocommerce' ); ?></h2>
			<?php if ( CartRelay_Connection::is_app_url_locked() ) : ?>
				<p><code><?php echo esc_html( $app_url ); ?></code></p>
				<p class="description"><?php esc_html_e( 'Set by the CARTRELAY_APP_URL constant.', 'cartrelay-for-woocommerce' ); ?></p>
			<?php else : ?>
				<form method="post" action="<?php echo esc_url( $post_url ); ?>">
					<input type="hidden" name="action" value="<?php echo esc_attr( self::ACTION_SAVE ); ?>" />
					<?php wp_nonce_field( self::ACTION_SAVE ); ?>
					<table class="form-table" role="presentation">
						<tr>
							<th scope="row"><label for="<?php echo esc_attr( self::FIELD_APP_URL ); ?>"><?php esc_html_e( 'Address', 'cartrelay-for-woocommerce' ); ?></label></th>
							<td>
								<input type="url" class="regular-text code" id="<?php echo esc_attr( self::FIELD_APP_URL ); ?>" name="<?php echo esc_attr( self::FIELD_APP_URL ); ?>" value="<?php echo esc_attr( $app_url ); ?>" placeholder="https://cartrelay.example.com" />
								<p class="description"><?php esc_html_e( 'The address of your CartRelay, such as https://cartrelay.example.com.', 'cartrelay-for-woocommerce' ); ?></p>
							</td>
						</tr>
					</table>
					<p><button type="submit" class="button"><?php esc_html_e( 'Save address', 'cartrelay-for-woocommerce' ); ?></button></p>
				</form>
			<?php endif; ?>
		</div>
		<?php
	}

	/**
	 * Saves CartRelay's address (when the constant does not set it).
	 *
	 * @return void
	 */
	public static function handle_save() {
		self::authorize( self::ACTION_SAVE );
		if ( CartRelay_Connection::is_app_url_locked() ) {
			self::back_to_page( 'address_locked' );
		}
		$url = isset( $_POST[ self::FIELD_APP_URL ] ) && is_string( $_POST[ self::FIELD_APP_URL ] ) ? trim( sanitize_text_field( wp_unslash( $_POST[ self::FIELD_APP_URL ] ) ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- authorize() checked the nonce.
		if ( '' === $url ) {
			delete_option( CartRelay_Contract::OPTION_APP_URL );
			self::back_to_page( 'saved' );
		}
		if ( null !== CartRelay_Connection::app_url_error( $url ) ) {
			self::back_to_page( 'invalid_address' );
		}
		update_option( CartRelay_Contract::OPTION_APP_URL, untrailingslashit( $url ) );
		self::back_to_page( 'saved' );
	}

	/**
	 * Connect: sends the merchant to <app url>/woocommerce/connect?site=<home url>.
	 *
	 * @return void
	 */
	public static function handle_connect() {
		self::authorize( self::ACTION_CONNECT );
		$app_url = CartRelay_Connection::app_url();
		if ( '' === $app_url ) {
			self::back_to_page( 'no_address' );
		}
		// CartRelay is another host, which wp_safe_redirect() would refuse.
		wp_redirect( $app_url . CartRelay_Contract::CONNECT_PATH . '?site=' . rawurlencode( home_url( '/' ) ) ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect -- CartRelay's address, set by an administrator.
		exit;
	}

	/**
	 * Open CartRelay: a link signed now, valid for five minutes.
	 *
	 * @return void
	 */
	public static function handle_open() {
		self::authorize( self::ACTION_OPEN );
		$connection = CartRelay_Connection::get();
		if ( null === $connection ) {
			self::back_to_page( 'not_connected' );
		}
		wp_redirect( CartRelay_Signer::open_url( $connection['app_url'], $connection['link_secret'], home_url( '/' ), get_current_user_id(), time() ) ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect -- CartRelay's address, pushed by CartRelay.
		exit;
	}

	/**
	 * Disconnect: tells CartRelay (signed), then deletes the API key it held and forgets the
	 * connection, whether or not CartRelay confirmed, so that it loses access either way.
	 *
	 * @return void
	 */
	public static function handle_disconnect() {
		self::authorize( self::ACTION_DISCONNECT );
		$connection = CartRelay_Connection::get();
		if ( null === $connection ) {
			CartRelay_Connection::clear();
			self::back_to_page( 'not_connected' );
		}
		$fields   = CartRelay_Signer::signed_fields( $connection['link_secret'], 'disconnect', home_url( '/' ), get_current_user_id(), time() );
		$response = wp_remote_post(
			$connection['app_url'] . CartRelay_Contract::DISCONNECT_PATH,
			array(
				'timeout' => 15,
				'headers' => array( 'Content-Type' => 'application/json' ),
				'body'    => wp_json_encode( $fields ),
			)
		);
		$code      = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
		$confirmed = 200 <= $code && 300 > $code;
		if ( 0 < $connection['key_id'] ) {
			self::delete_api_key( $connection['key_id'] );
		}
		CartRelay_Connection::clear();
		self::back_to_page( $confirmed ? 'disconnected' : 'disconnect_unconfirmed' );
	}

	/**
	 * Deletes the WooCommerce API key CartRelay held, as WooCommerce's own "Revoke" does.
	 *
	 * @param int $key_id The key's id.
	 * @return void
	 */
	private static function delete_api_key( $key_id ) {
		global $wpdb;
		$wpdb->delete( $wpdb->prefix . 'woocommerce_api_keys', array( 'key_id' => $key_id ), array( '%d' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- WooCommerce keeps API keys in its own table and has no function to delete one.
	}

	/**
	 * Dies unless the request carries the action's nonce and the user may manage WooCommerce.
	 *
	 * @param string $action The action, also the nonce's action.
	 * @return void
	 */
	private static function authorize( $action ) {
		$nonce = isset( $_REQUEST['_wpnonce'] ) && is_string( $_REQUEST['_wpnonce'] ) ? sanitize_text_field( wp_unslash( $_REQUEST['_wpnonce'] ) ) : '';
		if ( ! wp_verify_nonce( $nonce, $action ) ) {
			wp_die( esc_html__( 'The link has expired. Go back to the CartRelay page and try again.', 'cartrelay-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
		if ( ! current_user_can( CartRelay_Contract::CAPABILITY ) ) {
			wp_die( esc_html__( 'You are not allowed to manage CartRelay.', 'cartrelay-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
	}

	/**
	 * Redirects back to the page with a notice and ends the request.
	 *
	 * @param string $notice A key of notice().
	 * @return void
	 */
	private static function back_to_page( $notice ) {
		wp_safe_redirect( self::page_url() . '&' . self::NOTICE_ARG . '=' . rawurlencode( $notice ) );
		exit;
	}

	/**
	 * The notice to show after an action: [ type, text ], or null.
	 *
	 * @return array|null
	 */
	private static function notice() {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only picks one of the fixed messages below.
		$key     = isset( $_GET[ self::NOTICE_ARG ] ) && is_string( $_GET[ self::NOTICE_ARG ] ) ? sanitize_key( wp_unslash( $_GET[ self::NOTICE_ARG ] ) ) : '';
		$notices = array(
			'saved'                  => array( 'success', __( 'CartRelay\'s address was saved.', 'cartrelay-for-woocommerce' ) ),
			'invalid_address'        => array( 'error', __( 'CartRelay\'s address must be an http or https URL, such as https://cartrelay.example.com.', 'cartrelay-for-woocommerce' ) ),
			'address_locked'         => array( 'warning', __( 'CartRelay\'s address is set by the CARTRELAY_APP_URL constant.', 'cartrelay-for-woocommerce' ) ),
			'no_address'             => array( 'error', __( 'Enter CartRelay\'s address before connecting.', 'cartrelay-for-woocommerce' ) ),
			'not_connected'          => array( 'warning', __( 'CartRelay is not connected.', 'cartrelay-for-woocommerce' ) ),
			'disconnected'           => array( 'success', __( 'Disconnected: CartRelay confirmed, and the API key it held was deleted.', 'cartrelay-for-woocommerce' ) ),
			'disconnect_unconfirmed' => array( 'warning', __( 'Disconnected here and the API key CartRelay held was deleted, but CartRelay did not confirm: it may still list this store.', 'cartrelay-for-woocommerce' ) ),
		);
		return isset( $notices[ $key ] ) ? $notices[ $key ] : null;
	}
}
