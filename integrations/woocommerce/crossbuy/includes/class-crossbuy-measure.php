<?php
/**
 * The experiment's arm and the widget's adds, written into the order (docs/measure.md).
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * When the saved catalog declares an experiment (`[experiment]` in crossbuy.toml), the widget
 * puts each shopper in an arm by a hash of the experiment's name and a unit the page has: the
 * cart's session key on the checkout page (the context's `cart_token`), the order id on the
 * order-received page. This class computes the same arm (the engine's rule, held to it by
 * tests/php/test-measure.php on the cases crates/engine writes) and writes into the order, as
 * hidden order meta (names starting with `_`, never shown to the shopper):
 *
 *     _crossbuy_arm    {experiment}:{arm}, also for the holdout, which sees no widget
 *     _crossbuy_page   checkout, or thank_you for an order started by an add on an
 *                      order-received page
 *     _crossbuy_added  the product ids added from the widget, comma-separated
 *
 * The adds are told apart from the shopper's own: the widget posts them to the Store API's
 * add-item route with `?crossbuy={page}` (the plugin prints that endpoint), and the
 * `woocommerce_store_api_add_to_cart_data` filter keeps the page (and, from an order-received
 * page, that page's arm) as cart item data, which WooCommerce keeps in the session's cart and
 * hands to the checkout. Each such order line also gets the hidden meta `_crossbuy_added` (the
 * page). Nothing about the shopper is written: an arm and product ids.
 *
 * The order history (Crossbuy_History) exports the three values; `crossbuy report` reads them.
 * The arm is known only for the catalog saved on the admin page (the experiment is read when it
 * is saved); with a Catalog URL setting the widget still runs the experiment, but the orders do
 * not say which arm they were in.
 */
final class Crossbuy_Measure {

	/** The order meta (and export columns), named as the engine names the cart attributes. */
	const ARM   = '_crossbuy_arm';
	const PAGE  = '_crossbuy_page';
	const ADDED = '_crossbuy_added';

	/** The add-item endpoint's query argument naming the page the widget added from. */
	const QUERY = 'crossbuy';

	/** Cart item data: the page an item was added from, and an order-received page's arm. */
	const ITEM_PAGE = 'crossbuy_added';
	const ITEM_ARM  = 'crossbuy_arm';

	/** Session keys: the checkout page's arm, the last order-received page's arm. */
	const SESSION_CHECKOUT  = 'crossbuy_checkout_arm';
	const SESSION_THANK_YOU = 'crossbuy_thank_you_arm';

	/** The page kinds an add can come from. */
	const PAGES = array( 'checkout', 'thank_you' );

	/** Hooks into the Store API's adds and both checkouts' order creation. */
	public static function register() {
		add_filter( 'woocommerce_store_api_add_to_cart_data', array( __CLASS__, 'tag_add' ), 10, 2 );
		add_action( 'woocommerce_checkout_create_order_line_item', array( __CLASS__, 'tag_line' ), 10, 4 );
		// The classic checkout (before the order is saved) and the block checkout's Store API.
		add_action( 'woocommerce_checkout_create_order', array( __CLASS__, 'stamp' ), 10, 1 );
		add_action( 'woocommerce_store_api_checkout_update_order_meta', array( __CLASS__, 'stamp' ), 10, 1 );
	}

	/**
	 * The experiment of a snapshot, as the plugin keeps it: `{name, arms: [{name, weight}]}`,
	 * or null when it has none or one the builder would not have written (the engine's rules:
	 * names of 1 to 32 of a-z, 0-9, _ and -, weights 1 to 1000, two arms or more).
	 *
	 * @param mixed $snapshot The decoded snapshot.
	 * @return array{name: string, arms: array<int, array{name: string, weight: int}>}|null
	 */
	public static function experiment_of( $snapshot ) {
		$e = is_array( $snapshot ) && isset( $snapshot['experiment'] ) ? $snapshot['experiment'] : null;
		if ( ! is_array( $e ) || ! isset( $e['name'], $e['arms'] ) || ! self::name_ok( $e['name'] ) || ! is_array( $e['arms'] ) || count( $e['arms'] ) < 2 ) {
			return null;
		}
		$arms = array();
		foreach ( $e['arms'] as $arm ) {
			$weight = is_array( $arm ) && array_key_exists( 'weight', $arm ) ? $arm['weight'] : 1;
			if ( ! is_array( $arm ) || ! isset( $arm['name'] ) || ! self::name_ok( $arm['name'] ) || ! is_int( $weight ) || $weight < 1 || $weight > 1000 ) {
				return null;
			}
			$arms[] = array(
				'name'   => $arm['name'],
				'weight' => $weight,
			);
		}
		return array(
			'name' => $e['name'],
			'arms' => $arms,
		);
	}

	/**
	 * An experiment or arm name the engine accepts.
	 *
	 * @param mixed $name The name.
	 * @return bool
	 */
	private static function name_ok( $name ) {
		return is_string( $name ) && 1 === preg_match( '/^[a-z0-9_-]{1,32}$/D', $name );
	}

	/**
	 * The running experiment: the saved catalog's, when the storefront uses the saved catalog.
	 *
	 * @return array{name: string, arms: array<int, array{name: string, weight: int}>}|null
	 */
	public static function experiment() {
		if ( '' !== (string) Crossbuy_Settings::get( 'catalog_url' ) ) {
			return null;
		}
		$saved = Crossbuy_Catalog::saved();
		return null !== $saved && isset( $saved['experiment'] ) ? self::experiment_of( array( 'experiment' => $saved['experiment'] ) ) : null;
	}

	/**
	 * The engine's `experiment::bucket`: FNV-1a (64 bits) over the name and the unit, each
	 * followed by the byte 0xff, then splitmix64's finaliser; as 16 hex digits (PHP's integers
	 * are signed, so the arithmetic is done on 16-bit limbs).
	 *
	 * @param string $experiment The experiment's name.
	 * @param string $unit       The unit (cart session key, order id).
	 * @return string
	 */
	public static function bucket( $experiment, $unit ) {
		$h = self::from_hex( 'cbf29ce484222325' );
		foreach ( array( $experiment, $unit ) as $part ) {
			foreach ( str_split( $part . "\xff" ) as $byte ) {
				$h[0] ^= ord( $byte );
				$h     = self::mul( $h, self::from_hex( '00000100000001b3' ) );
			}
		}
		$h = self::mul( self::xor_shift( $h, 30 ), self::from_hex( 'bf58476d1ce4e5b9' ) );
		$h = self::mul( self::xor_shift( $h, 27 ), self::from_hex( '94d049bb133111eb' ) );
		$h = self::xor_shift( $h, 31 );
		return sprintf( '%04x%04x%04x%04x', $h[3], $h[2], $h[1], $h[0] );
	}

	/**
	 * The engine's `Experiment::assign`: the arm (index) whose weight range holds the bucket
	 * modulo the total weight.
	 *
	 * @param array  $experiment As experiment_of() gives it.
	 * @param string $unit       The unit.
	 * @return int
	 */
	public static function assign( array $experiment, $unit ) {
		$total = 0;
		foreach ( $experiment['arms'] as $arm ) {
			$total += $arm['weight'];
		}
		$limbs = self::from_hex( self::bucket( $experiment['name'], (string) $unit ) );
		// The 64-bit value modulo $total, a limb at a time (high first): no step exceeds 2^37.
		$at = 0;
		for ( $i = 3; $i >= 0; $i-- ) {
			$at = ( $at * 65536 + $limbs[ $i ] ) % $total;
		}
		foreach ( $experiment['arms'] as $i => $arm ) {
			if ( $at < $arm['weight'] ) {
				return $i;
			}
			$at -= $arm['weight'];
		}
		return 0;
	}

	/**
	 * `{experiment}:{arm}` for a unit, or '' without an experiment or a unit.
	 *
	 * @param string $unit The unit.
	 * @return string
	 */
	public static function arm_value( $unit ) {
		$e = self::experiment();
		if ( null === $e || '' === (string) $unit ) {
			return '';
		}
		return $e['name'] . ':' . $e['arms'][ self::assign( $e, $unit ) ]['name'];
	}

	/**
	 * Four 16-bit limbs, low first.
	 *
	 * @param string $hex 16 hex digits.
	 * @return array<int, int>
	 */
	private static function from_hex( $hex ) {
		return array( hexdec( substr( $hex, 12, 4 ) ), hexdec( substr( $hex, 8, 4 ) ), hexdec( substr( $hex, 4, 4 ) ), hexdec( substr( $hex, 0, 4 ) ) );
	}

	/**
	 * The low 64 bits of a product.
	 *
	 * @param array<int, int> $a Limbs.
	 * @param array<int, int> $b Limbs.
	 * @return array<int, int>
	 */
	private static function mul( array $a, array $b ) {
		$out = array( 0, 0, 0, 0 );
		for ( $i = 0; $i < 4; $i++ ) {
			$carry = 0;
			for ( $j = 0; $i + $j < 4; $j++ ) {
				$t               = $out[ $i + $j ] + $a[ $i ] * $b[ $j ] + $carry;
				$out[ $i + $j ]  = $t & 0xffff;
				$carry           = $t >> 16;
			}
		}
		return $out;
	}

	/**
	 * `h ^ (h >> n)`, for 16 < n < 48.
	 *
	 * @param array<int, int> $h Limbs.
	 * @param int             $n Bits.
	 * @return array<int, int>
	 */
	private static function xor_shift( array $h, $n ) {
		$shifted = array();
		for ( $i = 0; $i < 4; $i++ ) {
			$bit  = $i * 16 + $n;
			$limb = intdiv( $bit, 16 );
			$off  = $bit % 16;
			$low  = $limb < 4 ? $h[ $limb ] >> $off : 0;
			$high = $limb + 1 < 4 ? ( $h[ $limb + 1 ] << ( 16 - $off ) ) & 0xffff : 0;
			$shifted[ $i ] = ( $low | $high ) & 0xffff;
		}
		for ( $i = 0; $i < 4; $i++ ) {
			$h[ $i ] ^= $shifted[ $i ];
		}
		return $h;
	}

	/**
	 * The session, when WooCommerce has one.
	 *
	 * @return object|null
	 */
	private static function session() {
		if ( ! function_exists( 'WC' ) ) {
			return null;
		}
		$wc = WC();
		return is_object( $wc ) && isset( $wc->session ) && is_object( $wc->session ) ? $wc->session : null;
	}

	/**
	 * The checkout page's unit: the session's customer key (a guest's random key, a signed-in
	 * customer's user id), the key of the cart the Store API's Cart-Token also names; '' without
	 * a session.
	 *
	 * @return string
	 */
	public static function cart_unit() {
		$session = self::session();
		return null !== $session && method_exists( $session, 'get_customer_id' ) ? (string) $session->get_customer_id() : '';
	}

	/**
	 * Remembers the arm a page showed, for the order it leads to: called where the plugin prints
	 * the page's context.
	 *
	 * @param string $page 'checkout' or 'thank_you'.
	 * @param string $unit The page's unit.
	 */
	public static function remember( $page, $unit ) {
		$session = self::session();
		if ( null === $session ) {
			return;
		}
		$session->set( 'checkout' === $page ? self::SESSION_CHECKOUT : self::SESSION_THANK_YOU, self::arm_value( $unit ) );
	}

	/**
	 * The add-item endpoint for a page: the Store API's, with `?crossbuy={page}`.
	 *
	 * @param string $url  The Store API route's URL.
	 * @param string $page The page kind, '' for none.
	 * @return string
	 */
	public static function endpoint( $url, $page ) {
		return in_array( $page, self::PAGES, true ) ? add_query_arg( self::QUERY, $page, $url ) : $url;
	}

	/**
	 * The `woocommerce_store_api_add_to_cart_data` filter: an add the widget made (its request
	 * names the page) keeps the page, and an order-received page's arm, as cart item data.
	 *
	 * @param array           $data    `id`, `quantity`, `variation`, `cart_item_data`.
	 * @param WP_REST_Request $request The add-item request.
	 * @return array
	 */
	public static function tag_add( $data, $request ) {
		$page = is_object( $request ) && method_exists( $request, 'get_param' ) ? $request->get_param( self::QUERY ) : null;
		if ( ! is_array( $data ) || ! in_array( $page, self::PAGES, true ) ) {
			return $data;
		}
		$item                    = isset( $data['cart_item_data'] ) && is_array( $data['cart_item_data'] ) ? $data['cart_item_data'] : array();
		$item[ self::ITEM_PAGE ] = $page;
		$session                 = self::session();
		$arm                     = null !== $session && 'thank_you' === $page ? (string) $session->get( self::SESSION_THANK_YOU ) : '';
		if ( '' !== $arm ) {
			$item[ self::ITEM_ARM ] = $arm;
		}
		$data['cart_item_data'] = $item;
		return $data;
	}

	/**
	 * Marks an order line added from the widget with the hidden meta `_crossbuy_added` (the page).
	 *
	 * @param WC_Order_Item_Product $line   The new line.
	 * @param string                $key    The cart item key.
	 * @param array                 $values The cart item.
	 * @param WC_Order              $order  The order.
	 */
	public static function tag_line( $line, $key, $values, $order = null ) {
		unset( $key, $order );
		if ( is_array( $values ) && isset( $values[ self::ITEM_PAGE ] ) && in_array( $values[ self::ITEM_PAGE ], self::PAGES, true ) && is_object( $line ) ) {
			$line->add_meta_data( self::ADDED, $values[ self::ITEM_PAGE ], true );
		}
	}

	/**
	 * Writes the arm, the page and the adds into the order being created from the cart. An
	 * order holding items added on an order-received page is that page's (its arm came with the
	 * items); otherwise it is the checkout page's, in the arm the checkout page showed.
	 *
	 * @param WC_Order $order The order.
	 */
	public static function stamp( $order ) {
		if ( ! is_object( $order ) || ! function_exists( 'WC' ) ) {
			return;
		}
		$wc      = WC();
		$cart    = is_object( $wc ) && isset( $wc->cart ) && is_object( $wc->cart ) ? $wc->cart : null;
		$entries = null !== $cart ? (array) $cart->get_cart() : array();
		$added   = array(
			'checkout'  => array(),
			'thank_you' => array(),
		);
		$thank_you_arm = '';
		foreach ( $entries as $entry ) {
			$page = is_array( $entry ) && isset( $entry[ self::ITEM_PAGE ], $entry['product_id'] ) ? $entry[ self::ITEM_PAGE ] : null;
			if ( ! in_array( $page, self::PAGES, true ) ) {
				continue;
			}
			$added[ $page ][] = (string) (int) $entry['product_id'];
			if ( 'thank_you' === $page && '' === $thank_you_arm && ! empty( $entry[ self::ITEM_ARM ] ) ) {
				$thank_you_arm = (string) $entry[ self::ITEM_ARM ];
			}
		}
		if ( '' !== $thank_you_arm ) {
			$page = 'thank_you';
			$arm  = $thank_you_arm;
		} else {
			$page    = 'checkout';
			$session = self::session();
			$arm     = null !== $session ? (string) $session->get( self::SESSION_CHECKOUT ) : '';
		}
		if ( '' === $arm ) {
			return;
		}
		$order->update_meta_data( self::ARM, $arm );
		$order->update_meta_data( self::PAGE, $page );
		$ids = array_values( array_unique( $added[ $page ] ) );
		if ( array() !== $ids ) {
			$order->update_meta_data( self::ADDED, implode( ',', $ids ) );
		}
	}

	/**
	 * What an order says: the three values, '' for those it does not have.
	 *
	 * @param WC_Order $order The order.
	 * @return array<string, string>
	 */
	public static function of_order( $order ) {
		$out = array();
		foreach ( array( self::ARM, self::PAGE, self::ADDED ) as $key ) {
			$value       = $order->get_meta( $key, true );
			$out[ $key ] = is_scalar( $value ) ? (string) $value : '';
		}
		return $out;
	}
}
