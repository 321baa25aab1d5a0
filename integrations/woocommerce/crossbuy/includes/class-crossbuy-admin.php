<?php
/**
 * The admin page, WooCommerce > crossbuy: the saved catalog and its upload, the order history,
 * the settings; the place the in-browser console mounts.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * One page for shop managers (`manage_woocommerce`). Everything it prints is escaped where it
 * is printed. The `#crossbuy-console` element carries what the in-browser console needs (the
 * order history endpoint, the catalog endpoint and a REST nonce); it is hidden until the
 * console's script shows it.
 */
final class Crossbuy_Admin {

	/** The page's slug. */
	const PAGE = 'crossbuy';

	/** Hooks the page into the WooCommerce menu. */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ), 60 );
		add_filter( 'option_page_capability_' . Crossbuy_Settings::PAGE, array( __CLASS__, 'capability' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( CROSSBUY_PLUGIN_FILE ), array( __CLASS__, 'action_links' ) );
		add_action( 'admin_init', array( __CLASS__, 'privacy_policy' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
	}

	/**
	 * On this page only: the in-browser console (the plugin's own files, a script module).
	 *
	 * @param string $hook The admin page's hook suffix.
	 */
	public static function enqueue( $hook ) {
		if ( 'woocommerce_page_' . self::PAGE !== $hook || '' === Crossbuy_Settings::loader_url() ) {
			return;
		}
		wp_enqueue_style( 'crossbuy-console', plugins_url( 'assets/console/console.css', CROSSBUY_PLUGIN_FILE ), array(), CROSSBUY_VERSION );
		wp_enqueue_script_module( 'crossbuy-console', plugins_url( 'js/crossbuy-admin.js', CROSSBUY_PLUGIN_FILE ), array(), CROSSBUY_VERSION );
	}

	/** Adds WooCommerce > crossbuy. */
	public static function add_page() {
		add_submenu_page( 'woocommerce', __( 'crossbuy', 'crossbuy' ), __( 'crossbuy', 'crossbuy' ), Crossbuy_History::CAPABILITY, self::PAGE, array( __CLASS__, 'render' ) );
	}

	/**
	 * The settings form saves with the page's capability, not `manage_options`.
	 *
	 * @return string
	 */
	public static function capability() {
		return Crossbuy_History::CAPABILITY;
	}

	/**
	 * The page's URL, with the outcome of an upload.
	 *
	 * @param string $notice '' or the upload's outcome: saved, error.
	 * @return string
	 */
	public static function page_url( $notice = '' ) {
		$url = admin_url( 'admin.php?page=' . self::PAGE );
		return '' === $notice ? $url : add_query_arg( 'crossbuy_catalog', $notice, $url );
	}

	/**
	 * Adds a "Settings" link on the Plugins screen.
	 *
	 * @param string[] $links Existing links.
	 * @return string[]
	 */
	public static function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( self::page_url() ) . '">' . esc_html__( 'Settings', 'crossbuy' ) . '</a>' );
		return $links;
	}

	/** Offers the text for the site's privacy policy (Settings > Privacy). */
	public static function privacy_policy() {
		if ( function_exists( 'wp_add_privacy_policy_content' ) ) {
			wp_add_privacy_policy_content( 'crossbuy', wp_kses_post( wpautop( self::privacy_text(), false ) ) );
		}
	}

	/**
	 * The suggested privacy policy text.
	 *
	 * @return string
	 */
	public static function privacy_text() {
		$parts = array(
			__( 'On the checkout and order confirmation pages, this shop shows products other customers bought together with yours. The suggestions are worked out in your browser from a list of products the shop publishes; nothing about you is sent to work them out.', 'crossbuy' ),
			__( 'If you tick the box offering emails about your order, your email address and what you do with the suggestions (the products you look at and add) are sent to the shop\'s email service, and kept in your browser until they are sent. Nothing is sent before you tick the box.', 'crossbuy' ),
			__( 'When the shop sends these to Klaviyo, Klaviyo\'s privacy policy applies: https://www.klaviyo.com/legal/privacy/privacy-notice. When the shop sends them to its own service, that service is the shop\'s.', 'crossbuy' ),
			__( 'If the checkout offers a marketing email checkbox, your answer is stored with your order.', 'crossbuy' ),
			__( 'To build the list of suggestions, the shop\'s managers export the order history with a key in place of each customer\'s email address, made with a secret of this site; the key only tells that two orders were placed by the same customer.', 'crossbuy' ),
		);
		return implode( "\n\n", $parts );
	}

	/** Prints the page. */
	public static function render() {
		if ( ! current_user_can( Crossbuy_History::CAPABILITY ) ) {
			return;
		}
		echo '<div class="wrap crossbuy-admin"><h1>' . esc_html__( 'crossbuy', 'crossbuy' ) . '</h1>';
		self::notices();
		self::render_catalog();
		self::render_history();
		echo '<h2>' . esc_html__( 'Settings', 'crossbuy' ) . '</h2>';
		Crossbuy_Settings::render_form();
		echo '</div>';
	}

	/** The outcome of an upload, settings errors, and missing assets. */
	private static function notices() {
		settings_errors( Crossbuy_Settings::OPTION );
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a notice to show, nothing is changed.
		$outcome = isset( $_GET['crossbuy_catalog'] ) ? sanitize_key( wp_unslash( $_GET['crossbuy_catalog'] ) ) : '';
		if ( 'saved' === $outcome ) {
			echo '<div class="notice notice-success"><p>' . esc_html__( 'The catalog is saved: the storefront uses it now.', 'crossbuy' ) . '</p></div>';
		} elseif ( 'error' === $outcome ) {
			$message = get_transient( Crossbuy_Catalog::notice_key() );
			delete_transient( Crossbuy_Catalog::notice_key() );
			/* translators: %s: why the catalog was not saved. */
			$text = sprintf( __( 'The catalog was not saved: %s', 'crossbuy' ), is_string( $message ) ? $message : '' );
			echo '<div class="notice notice-error"><p>' . esc_html( $text ) . '</p></div>';
		}
		if ( '' === Crossbuy_Settings::loader_url() ) {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'The plugin\'s own files (its assets folder) are missing, so the widget cannot be shown: install crossbuy from its zip.', 'crossbuy' ) . '</p></div>';
		}
	}

	/** The saved catalog, its upload form, and the console's mount point. */
	private static function render_catalog() {
		echo '<h2>' . esc_html__( 'Catalog', 'crossbuy' ) . '</h2>';
		$meta = Crossbuy_Catalog::saved();
		if ( null === $meta ) {
			echo '<p>' . esc_html__( 'No catalog is saved yet. Build one from your orders (see Order history below), then upload it here.', 'crossbuy' ) . '</p>';
		} else {
			$text = sprintf(
				/* translators: 1: number of products, 2: file size, 3: date and time saved. */
				_n( 'Saved catalog: %1$s product, %2$s, saved %3$s.', 'Saved catalog: %1$s products, %2$s, saved %3$s.', (int) $meta['products'], 'crossbuy' ),
				number_format_i18n( (int) $meta['products'] ),
				size_format( (int) $meta['bytes'] ),
				wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) $meta['saved_at'] )
			);
			echo '<p>' . esc_html( $text ) . '</p>';
			if ( '' !== $meta['shop'] ) {
				/* translators: %s: the shop name the catalog was built for. */
				echo '<p>' . esc_html( sprintf( __( 'Built for: %s', 'crossbuy' ), $meta['shop'] ) ) . '</p>';
			}
			$url = Crossbuy_Catalog::url();
			if ( '' !== $url ) {
				echo '<p><a href="' . esc_url( $url ) . '">' . esc_html__( 'Download the saved catalog', 'crossbuy' ) . '</a></p>';
			}
		}
		echo '<form method="post" enctype="multipart/form-data" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( Crossbuy_Catalog::UPLOAD_ACTION ) . '">';
		wp_nonce_field( Crossbuy_Catalog::UPLOAD_ACTION );
		echo '<p><label for="crossbuy-catalog-file">' . esc_html__( 'Catalog file (catalog.json)', 'crossbuy' ) . '</label> ';
		echo '<input type="file" id="crossbuy-catalog-file" name="catalog" accept=".json,application/json" required></p>';
		submit_button( __( 'Save catalog', 'crossbuy' ), 'primary', 'crossbuy-save-catalog', false );
		echo '</form>';
		echo '<h2>' . esc_html__( 'Build the catalog here', 'crossbuy' ) . '</h2>';
		echo '<p>' . esc_html__( 'The console below reads your orders and products from this site and builds the catalog in your browser: nothing is sent anywhere else. Preview it, then save it to the shop.', 'crossbuy' ) . '</p>';
		echo '<div id="crossbuy-console" hidden'
			. ' data-orders="' . esc_url( rest_url( Crossbuy_History::REST_NAMESPACE . Crossbuy_History::REST_ROUTE ) ) . '"'
			. ' data-products="' . esc_url( rest_url( 'wc/store/v1/products' ) ) . '"'
			. ' data-catalog="' . esc_url( rest_url( Crossbuy_History::REST_NAMESPACE . Crossbuy_Catalog::REST_ROUTE ) ) . '"'
			. ' data-nonce="' . esc_attr( wp_create_nonce( 'wp_rest' ) ) . '"></div>';
	}

	/** The order history's download and endpoint, and the command that builds a catalog. */
	private static function render_history() {
		echo '<h2>' . esc_html__( 'Order history', 'crossbuy' ) . '</h2>';
		echo '<p>' . esc_html__( 'crossbuy learns which products are bought together from your orders. Download them (customers appear as keys, never as email addresses) and your products (Products > Export), then build the catalog:', 'crossbuy' ) . '</p>';
		echo '<p><a class="button" href="' . esc_url( Crossbuy_History::download_url() ) . '">' . esc_html__( 'Download the order history (CSV)', 'crossbuy' ) . '</a></p>';
		echo '<pre>crossbuy snapshot --platform woocommerce --products wc-product-export.csv --orders crossbuy-orders.csv -o catalog.json</pre>';
		echo '<p>' . esc_html__( 'The same history, a page at a time, for tools signed in as a shop manager:', 'crossbuy' ) . '</p>';
		echo '<p><code>' . esc_html( rest_url( Crossbuy_History::REST_NAMESPACE . Crossbuy_History::REST_ROUTE ) ) . '</code></p>';
	}
}
