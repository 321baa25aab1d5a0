<?php
/**
 * The platform-neutral page context, built from a WC_Order or the cart.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds crossbuy's page context (see the project README, "Page context"):
 *
 *     {"page":"thank_you","order_id":"1001","created_at":"2026-11-20T10:00:00Z",
 *      "currency":"GBP","locale":"en-GB","email":"a@b.example","accepts_marketing":true,
 *      "segment":"repeat",
 *      "items":[{"product_id":"85","variant_id":"91","quantity":2,"price":295}]}
 *
 * Ids are strings; `variant_id` is the variation id, or the product id for a simple product
 * (the id the Store API adds to the cart). `price` is the unit price in integer minor units,
 * before order-level coupons, with tax when the shop enters prices with tax (the basis of the
 * catalog snapshot's prices). The email is there only when marketing consent is recorded.
 */
final class Crossbuy_Context {

	/** wp_json_encode flags that keep the JSON inert inside a <script> element. */
	const JSON_FLAGS = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT;

	/**
	 * The thank-you page's context from the order.
	 *
	 * @param WC_Order $order The order.
	 * @return array<string, mixed>
	 */
	public static function from_order( $order ) {
		$currency = strtoupper( (string) $order->get_currency() );
		$exponent = Crossbuy_Money::exponent( $currency );
		$with_tax = function_exists( 'wc_prices_include_tax' ) && wc_prices_include_tax();

		$items = array();
		foreach ( $order->get_items( 'line_item' ) as $line ) {
			if ( ! is_object( $line ) || ! method_exists( $line, 'get_product_id' ) ) {
				continue;
			}
			$quantity = (int) $line->get_quantity();
			$item     = self::item(
				$line->get_product_id(),
				$line->get_variation_id(),
				$quantity,
				self::unit_price( $line, $exponent, $with_tax )
			);
			if ( null !== $item ) {
				$items[] = $item;
			}
		}

		$context = array(
			'page'     => 'thank_you',
			'order_id' => (string) $order->get_id(),
		);
		$created = $order->get_date_created();
		if ( $created instanceof DateTimeInterface ) {
			$context['created_at'] = gmdate( 'Y-m-d\TH:i:s\Z', $created->getTimestamp() );
		}
		if ( '' !== $currency ) {
			$context['currency'] = $currency;
		}
		$locale = self::locale( get_locale() );
		if ( null !== $locale ) {
			$context['locale'] = $locale;
		}
		$consent = Crossbuy_Consent::accepted( $order );
		$email   = trim( (string) $order->get_billing_email() );
		if ( $consent && '' !== $email && is_email( $email ) ) {
			$context['email'] = $email;
		}
		$context['accepts_marketing'] = $consent;
		// The order itself is counted, so a repeat customer has more than one.
		$segment = self::segment( (int) $order->get_customer_id(), 1 );
		if ( null !== $segment ) {
			$context['segment'] = $segment;
		}
		$context['items'] = $items;

		/**
		 * Filters the thank-you page context before it is printed.
		 *
		 * @param array    $context The context.
		 * @param WC_Order $order   The order.
		 */
		return (array) apply_filters( 'crossbuy_context', $context, $order );
	}

	/**
	 * A line's unit price in minor units: its subtotal (before order-level coupons), plus its
	 * tax when the shop enters prices with tax, divided by its quantity, rounded half up; null
	 * without a quantity or a readable amount. The order history uses the same price.
	 *
	 * @param WC_Order_Item_Product $line     The line.
	 * @param int                   $exponent Digits of the currency's minor unit.
	 * @param bool                  $with_tax Whether the shop enters prices with tax.
	 * @return int|null
	 */
	public static function unit_price( $line, $exponent, $with_tax ) {
		$quantity = (int) $line->get_quantity();
		$amounts  = array( $line->get_subtotal() );
		if ( $with_tax ) {
			$amounts[] = $line->get_subtotal_tax();
		}
		return $quantity > 0 ? Crossbuy_Money::minor_units( $amounts, $exponent, $quantity ) : null;
	}

	/**
	 * The checkout page's context from the cart (no email: nobody has opted in yet), with the
	 * cart's `cart_token` when there is one: the unit an experiment's arm is chosen by
	 * (Crossbuy_Measure::cart_unit(), the session's key, never shown to anyone).
	 *
	 * @param WC_Cart $cart The cart.
	 * @param string  $unit The cart's unit, '' for none.
	 * @return array<string, mixed>
	 */
	public static function from_cart( $cart, $unit = '' ) {
		$currency = strtoupper( (string) get_woocommerce_currency() );
		$exponent = Crossbuy_Money::exponent( $currency );

		$items = array();
		foreach ( (array) $cart->get_cart() as $entry ) {
			if ( ! is_array( $entry ) || ! isset( $entry['product_id'], $entry['quantity'] ) ) {
				continue;
			}
			$product = isset( $entry['data'] ) ? $entry['data'] : null;
			$price   = null;
			if ( is_object( $product ) && method_exists( $product, 'get_price' ) ) {
				$raw   = $product->get_price();
				$price = ( '' === $raw || null === $raw ) ? null : Crossbuy_Money::minor_units( array( $raw ), $exponent );
			}
			$item = self::item( $entry['product_id'], isset( $entry['variation_id'] ) ? $entry['variation_id'] : 0, (int) $entry['quantity'], $price );
			if ( null !== $item ) {
				$items[] = $item;
			}
		}

		$context = array( 'page' => 'checkout' );
		if ( '' !== (string) $unit ) {
			$context['cart_token'] = (string) $unit;
		}
		if ( '' !== $currency ) {
			$context['currency'] = $currency;
		}
		$locale = self::locale( get_locale() );
		if ( null !== $locale ) {
			$context['locale'] = $locale;
		}
		$segment = self::segment( (int) get_current_user_id(), 0 );
		if ( null !== $segment ) {
			$context['segment'] = $segment;
		}
		$context['items'] = $items;

		/** This filter is documented in from_order(). */
		return (array) apply_filters( 'crossbuy_context', $context, null );
	}

	/**
	 * The context as the element the widget reads.
	 *
	 * @param array<string, mixed> $context The context.
	 * @return string HTML, or '' when the context cannot be encoded.
	 */
	public static function script( array $context ) {
		$json = wp_json_encode( $context, self::JSON_FLAGS );
		if ( false === $json ) {
			return '';
		}
		return '<script type="application/json" id="crossbuy-context">' . $json . '</script>' . "\n";
	}

	/**
	 * A WordPress locale ("en_GB", "de_DE_formal") as a BCP 47 tag ("en-GB", "de-DE").
	 *
	 * @param string $wp_locale The locale.
	 * @return string|null
	 */
	public static function locale( $wp_locale ) {
		if ( ! preg_match( '/^([a-z]{2,3})(?:_([A-Z]{2}|[0-9]{3}))?(?:_|$)/', (string) $wp_locale, $m ) ) {
			return null;
		}
		return isset( $m[2] ) && '' !== $m[2] ? $m[1] . '-' . $m[2] : $m[1];
	}

	/**
	 * One context item, or null for a line without a product (deleted) or quantity.
	 *
	 * @param mixed    $product_id   Product id.
	 * @param mixed    $variation_id Variation id, 0 for a simple product.
	 * @param int      $quantity     Quantity.
	 * @param int|null $price        Unit price in minor units.
	 * @return array<string, mixed>|null
	 */
	private static function item( $product_id, $variation_id, $quantity, $price ) {
		$product_id   = (int) $product_id;
		$variation_id = (int) $variation_id;
		if ( $product_id <= 0 || $quantity < 1 ) {
			return null;
		}
		$item = array(
			'product_id' => (string) $product_id,
			'variant_id' => (string) ( $variation_id > 0 ? $variation_id : $product_id ),
			'quantity'   => $quantity,
		);
		if ( null !== $price ) {
			$item['price'] = $price;
		}
		return $item;
	}

	/**
	 * "new" or "repeat" for a registered customer; null for a guest.
	 *
	 * @param int $customer_id The customer's user id, 0 for a guest.
	 * @param int $first       How many orders a new customer has (1 when the current order counts).
	 * @return string|null
	 */
	private static function segment( $customer_id, $first ) {
		if ( $customer_id <= 0 || ! function_exists( 'wc_get_customer_order_count' ) ) {
			return null;
		}
		return (int) wc_get_customer_order_count( $customer_id ) > $first ? 'repeat' : 'new';
	}
}
