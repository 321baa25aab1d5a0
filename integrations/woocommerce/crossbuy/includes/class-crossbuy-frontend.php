<?php
/**
 * The storefront side: the loader, the context and the widget's place on the page.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * On the checkout and order-received pages only (and only once there is a catalog, and the
 * plugin's own loader is installed): enqueues crossbuy.js (async, in the footer) with its data attributes, prints the
 * page context and an empty `<div id="crossbuy">` where the widget goes.
 */
final class Crossbuy_Frontend {

	/** The script handle. */
	const HANDLE = 'crossbuy';

	/** The Store API route the widget posts adds to, with the `Nonce` header. */
	const STORE_API_ADD_ITEM = 'wc/store/v1/cart/add-item';

	/** Hooks into the storefront. */
	public static function register() {
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'loader_tag' ), 10, 3 );
		// Fired by the classic order-received template and by the block order confirmation.
		add_action( 'woocommerce_thankyou', array( __CLASS__, 'thank_you' ), 20 );
		add_action( 'woocommerce_after_checkout_form', array( __CLASS__, 'print_container' ) );
		add_filter( 'render_block_woocommerce/checkout', array( __CLASS__, 'after_checkout_block' ) );
		add_action( 'wp_footer', array( __CLASS__, 'checkout_context' ), 5 );
		add_shortcode( 'crossbuy', array( __CLASS__, 'container' ) );
	}

	/**
	 * Whether the merchant has set the catalog and the loader.
	 *
	 * @return bool
	 */
	public static function configured() {
		return '' !== Crossbuy_Settings::catalog_url() && '' !== Crossbuy_Settings::loader_url();
	}

	/**
	 * A checkout step (the order-received page is a checkout endpoint too, and not one).
	 *
	 * @return bool
	 */
	public static function on_checkout() {
		return function_exists( 'is_checkout' ) && is_checkout() && ! self::on_order_received();
	}

	/**
	 * The order-received (thank-you) page.
	 *
	 * @return bool
	 */
	public static function on_order_received() {
		return function_exists( 'is_order_received_page' ) && is_order_received_page();
	}

	/**
	 * The page kind the widget is on: 'checkout', 'thank_you' or ''.
	 *
	 * @return string
	 */
	public static function page_kind() {
		return self::on_order_received() ? 'thank_you' : ( self::on_checkout() ? 'checkout' : '' );
	}

	/** Enqueues the loader on checkout and order-received pages. */
	public static function enqueue() {
		if ( ! self::configured() || ! ( self::on_checkout() || self::on_order_received() ) ) {
			return;
		}
		// The plugin's version as the loader's version query; the loader resolves pkg/ relative
		// to its own URL. The strategy array needs WordPress 6.3; loader_tag() covers older.
		wp_enqueue_script(
			self::HANDLE,
			Crossbuy_Settings::loader_url(),
			array(),
			CROSSBUY_VERSION,
			array(
				'in_footer' => true,
				'strategy'  => 'async',
			)
		);
	}

	/**
	 * The loader's data attributes, in the order they are printed. The signal attributes are
	 * the widget's (docs/signals.md): data-signals, data-klaviyo-key, data-klaviyo-list,
	 * data-signals-url.
	 *
	 * @return array<string, string>
	 */
	public static function attributes() {
		$s     = Crossbuy_Settings::all();
		$attrs = array(
			'data-catalog'       => Crossbuy_Settings::catalog_url(),
			'data-target'        => (string) $s['target'],
			'data-cart'          => 'woocommerce',
			'data-cart-endpoint' => Crossbuy_Measure::endpoint( rest_url( self::STORE_API_ADD_ITEM ), self::page_kind() ),
			'data-cart-nonce'    => wp_create_nonce( 'wc_store_api' ),
		);
		if ( 'klaviyo' === $s['signal_kind'] ) {
			$attrs['data-signals']     = 'klaviyo';
			$attrs['data-klaviyo-key'] = (string) $s['klaviyo_public_key'];
			if ( '' !== $s['klaviyo_list_id'] ) {
				$attrs['data-klaviyo-list'] = (string) $s['klaviyo_list_id'];
			}
		} elseif ( 'webhook' === $s['signal_kind'] ) {
			$attrs['data-signals']     = 'webhook';
			$attrs['data-signals-url'] = (string) $s['webhook_url'];
		}
		return $attrs;
	}

	/**
	 * Adds the data attributes (escaped) and `async` to the loader's script tag.
	 *
	 * @param string $tag    The HTML WordPress prints for the handle.
	 * @param string $handle The script handle.
	 * @param string $src    The script URL (unused).
	 * @return string
	 */
	public static function loader_tag( $tag, $handle, $src = '' ) {
		unset( $src );
		if ( self::HANDLE !== $handle ) {
			return $tag;
		}
		// Only the element that loads the file: inline scripts around it stay as they are.
		if ( ! preg_match( '/<script\b[^>]*\ssrc=[^>]*>/', $tag, $m, PREG_OFFSET_CAPTURE ) ) {
			return $tag;
		}
		list( $open, $at ) = $m[0];
		$extra             = '';
		foreach ( self::attributes() as $name => $value ) {
			$extra .= ' ' . $name . '="' . esc_attr( $value ) . '"';
		}
		if ( ! preg_match( '/\sasync\b/', $open ) ) {
			$extra .= ' async'; // WordPress before 6.3 ignores the 'strategy' argument.
		}
		return substr_replace( $tag, '<script' . $extra . substr( $open, strlen( '<script' ) ), $at, strlen( $open ) );
	}

	/**
	 * Prints the order's context and the widget's place on the order-received page.
	 *
	 * @param int $order_id The order id.
	 */
	public static function thank_you( $order_id ) {
		if ( ! self::configured() || did_action( 'woocommerce_thankyou' ) > 1 ) {
			return;
		}
		$order = wc_get_order( $order_id );
		if ( ! $order ) {
			return;
		}
		// The page shows an order to whoever holds its key; WooCommerce checked it before firing
		// this action, and so does crossbuy, since the context can carry the buyer's email.
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- the order key is the credential.
		$key = isset( $_GET['key'] ) ? wc_clean( wp_unslash( $_GET['key'] ) ) : '';
		if ( ! is_string( $key ) || '' === $key || ! hash_equals( (string) $order->get_order_key(), $key ) ) {
			return;
		}
		echo Crossbuy_Context::script( Crossbuy_Context::from_order( $order ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- JSON encoded with JSON_HEX_TAG|AMP|APOS|QUOT.
		// The arm this page shows, for an order its adds start.
		Crossbuy_Measure::remember( 'thank_you', (string) $order->get_id() );
		echo self::container(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- fixed markup.
	}

	/** Prints the cart's context on a checkout step (footer, before the loader). */
	public static function checkout_context() {
		if ( ! self::configured() || ! self::on_checkout() || ! function_exists( 'WC' ) ) {
			return;
		}
		$wc = WC();
		if ( ! is_object( $wc ) || ! isset( $wc->cart ) || ! is_object( $wc->cart ) ) {
			return;
		}
		// The cart's unit (an experiment's arm is chosen by it), and the arm shown, for the order.
		$unit = Crossbuy_Measure::cart_unit();
		echo Crossbuy_Context::script( Crossbuy_Context::from_cart( $wc->cart, $unit ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- JSON encoded with JSON_HEX_TAG|AMP|APOS|QUOT.
		Crossbuy_Measure::remember( 'checkout', $unit );
	}

	/**
	 * The widget's place: `<div id="crossbuy">` when the target setting is `#crossbuy`;
	 * nothing when the merchant chose another element. Also the `[crossbuy]` shortcode.
	 *
	 * @return string
	 */
	public static function container() {
		if ( '#crossbuy' !== Crossbuy_Settings::get( 'target' ) ) {
			return '';
		}
		return '<div id="crossbuy" class="crossbuy"></div>' . "\n";
	}

	/** Prints the container below the classic checkout form. */
	public static function print_container() {
		if ( self::configured() ) {
			echo self::container(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- fixed markup.
		}
	}

	/**
	 * Appends the container after the checkout block.
	 *
	 * @param string $html The block's HTML.
	 * @return string
	 */
	public static function after_checkout_block( $html ) {
		return self::configured() && self::on_checkout() ? $html . self::container() : $html;
	}
}
