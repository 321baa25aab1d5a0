<?php
/**
 * Marketing consent: where an order records that the buyer accepted marketing email.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce itself records no marketing consent, so crossbuy reads order meta that a
 * consent checkbox wrote, and can add that checkbox itself:
 *
 * - `_crossbuy_marketing_consent` ("yes" / "no"): crossbuy's own checkbox on the classic
 *   (shortcode) checkout, when enabled in WooCommerce > crossbuy.
 * - `_wc_other/crossbuy/marketing-consent`: the same checkbox on the block checkout, registered
 *   with WooCommerce's additional checkout fields API (WooCommerce 8.9 and later), which stores a
 *   field `namespace/name` in location "order" under this key.
 * - `mailchimp_woocommerce_is_subscribed` ("1"): Mailchimp for WooCommerce's newsletter
 *   checkbox, on both checkouts.
 *
 * Other consent plugins: add their key with the `crossbuy_marketing_consent_meta_keys` filter.
 * Only these keys count; a billing email alone is never consent.
 */
final class Crossbuy_Consent {

	/** Order meta written by crossbuy's classic-checkout checkbox. */
	const META_KEY = '_crossbuy_marketing_consent';

	/** The block checkout field id (namespace/name). */
	const BLOCK_FIELD_ID = 'crossbuy/marketing-consent';

	/** The POST field of the classic checkbox. */
	const POST_FIELD = 'crossbuy_marketing_consent';

	/** Values that mean "accepted" in the keys above. */
	const ACCEPTED = array( 'yes', '1', 'true', 'on' );

	/**
	 * The order meta keys read, in order.
	 *
	 * @return string[]
	 */
	public static function meta_keys() {
		$keys = array(
			self::META_KEY,
			'_wc_other/' . self::BLOCK_FIELD_ID,
			'mailchimp_woocommerce_is_subscribed',
		);
		return (array) apply_filters( 'crossbuy_marketing_consent_meta_keys', $keys );
	}

	/**
	 * Whether the order records that the buyer accepted marketing email.
	 *
	 * @param WC_Order $order The order.
	 * @return bool
	 */
	public static function accepted( $order ) {
		foreach ( self::meta_keys() as $key ) {
			$value = $order->get_meta( (string) $key, true );
			if ( true === $value || 1 === $value ) {
				return true;
			}
			if ( is_string( $value ) && in_array( strtolower( trim( $value ) ), self::ACCEPTED, true ) ) {
				return true;
			}
		}
		return false;
	}

	/** Hooks the optional checkbox into both checkouts. */
	public static function register() {
		add_action( 'woocommerce_init', array( __CLASS__, 'register_block_field' ) );
		add_action( 'woocommerce_review_order_before_submit', array( __CLASS__, 'render_classic_field' ) );
		add_action( 'woocommerce_checkout_create_order', array( __CLASS__, 'save_classic_field' ), 10, 2 );
	}

	/** Registers the block checkout's checkbox (WooCommerce 8.9+), when enabled. */
	public static function register_block_field() {
		if ( ! Crossbuy_Settings::get( 'consent_checkbox' ) || ! function_exists( 'woocommerce_register_additional_checkout_field' ) ) {
			return;
		}
		woocommerce_register_additional_checkout_field(
			array(
				'id'       => self::BLOCK_FIELD_ID,
				'label'    => Crossbuy_Settings::consent_label(),
				'location' => 'order',
				'type'     => 'checkbox',
				'required' => false,
			)
		);
	}

	/** Prints the classic checkout's checkbox, unticked, when enabled. */
	public static function render_classic_field() {
		if ( ! Crossbuy_Settings::get( 'consent_checkbox' ) || ! function_exists( 'woocommerce_form_field' ) ) {
			return;
		}
		woocommerce_form_field(
			self::POST_FIELD,
			array(
				'type'     => 'checkbox',
				'class'    => array( 'form-row-wide', 'crossbuy-consent' ),
				'label'    => Crossbuy_Settings::consent_label(),
				'required' => false,
			),
			0
		);
	}

	/**
	 * Saves the classic checkbox on the new order. WooCommerce has verified the checkout
	 * form's own nonce (woocommerce-process-checkout-nonce) before this action runs.
	 *
	 * @param WC_Order $order The order being created.
	 * @param array    $data  The posted checkout data (unused).
	 */
	public static function save_classic_field( $order, $data = array() ) {
		unset( $data );
		if ( ! Crossbuy_Settings::get( 'consent_checkbox' ) ) {
			return;
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified by WooCommerce, see above.
		$ticked = isset( $_POST[ self::POST_FIELD ] ) && '' !== sanitize_text_field( wp_unslash( $_POST[ self::POST_FIELD ] ) );
		$order->update_meta_data( self::META_KEY, $ticked ? 'yes' : 'no' );
	}
}
