<?php
/**
 * The order history crossbuy builds its catalog from, in a documented form, for the shop's
 * managers only: a paged REST endpoint (JSON) and a CSV download.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * One record per order (REST) or one row per line item (CSV), with the same fields:
 *
 *     order_id, created_at (RFC 3339, UTC), status (WooCommerce's, without "wc-"),
 *     customer (a key for the buyer, hashed: never the email), currency (ISO 4217),
 *     product_id, variation_id (0 for none), sku, name, quantity,
 *     price (unit price in minor units, as in the page context), refunded_quantity,
 *     refunded_at (RFC 3339, UTC: the line's last refund; '' when none),
 *     _crossbuy_arm, _crossbuy_page, _crossbuy_added (the experiment's arm, the page and the
 *     products added from the widget, as Crossbuy_Measure wrote them into the order; '' when
 *     it did not)
 *
 * The customer key is HMAC-SHA256 of the lower-cased billing email (or "user:ID" for an
 * account without one) with a secret of this site, made once and kept in the option
 * `crossbuy_history_secret`: the same buyer has the same key in every export of this site,
 * and the key cannot be turned back into the email or matched against another site's.
 * crossbuy uses it only to tell when the same customer buys again (repurchase intervals).
 *
 * Orders come oldest first, every status (the builder leaves out cancelled, refunded and
 * unpaid ones and counts them), shop orders only (no refund records: a line's refunded
 * quantity is on the line).
 */
final class Crossbuy_History {

	/** The CSV's columns, in order. */
	const COLUMNS = array( 'order_id', 'created_at', 'status', 'customer', 'currency', 'product_id', 'variation_id', 'sku', 'name', 'quantity', 'price', 'refunded_quantity', 'refunded_at', Crossbuy_Measure::ARM, Crossbuy_Measure::PAGE, Crossbuy_Measure::ADDED );

	/** The option holding the site secret the customer keys are hashed with. */
	const SECRET_OPTION = 'crossbuy_history_secret';

	/** The REST namespace and route. */
	const REST_NAMESPACE = 'crossbuy/v1';
	const REST_ROUTE     = '/orders';

	/** The capability that may read the order history. */
	const CAPABILITY = 'manage_woocommerce';

	/** The admin-post action and nonce action of the CSV download. */
	const CSV_ACTION = 'crossbuy_order_history';

	/** Orders per page: the REST default and maximum, and the CSV's batch. */
	const PER_PAGE     = 100;
	const MAX_PER_PAGE = 500;

	/** Hooks the endpoint and the download. */
	public static function register() {
		add_action( 'rest_api_init', array( __CLASS__, 'register_route' ) );
		add_action( 'admin_post_' . self::CSV_ACTION, array( __CLASS__, 'download' ) );
	}

	/** Registers GET /wp-json/crossbuy/v1/orders?page=N&per_page=N. */
	public static function register_route() {
		register_rest_route(
			self::REST_NAMESPACE,
			self::REST_ROUTE,
			array(
				'methods'             => 'GET',
				'callback'            => array( __CLASS__, 'rest_page' ),
				'permission_callback' => array( __CLASS__, 'rest_permission' ),
				'args'                => array(
					'page'     => array(
						'type'    => 'integer',
						'default' => 1,
						'minimum' => 1,
					),
					'per_page' => array(
						'type'    => 'integer',
						'default' => self::PER_PAGE,
						'minimum' => 1,
						'maximum' => self::MAX_PER_PAGE,
					),
				),
			)
		);
	}

	/**
	 * Who may read: a user with `manage_woocommerce`, whose request carries the REST nonce
	 * (`X-WP-Nonce`, action `wp_rest`) unless it was authenticated with an application
	 * password (which a page of another site cannot use).
	 *
	 * @param WP_REST_Request $request The request.
	 * @return true|WP_Error
	 */
	public static function rest_permission( $request ) {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return new WP_Error(
				'crossbuy_forbidden',
				__( 'Only shop managers may read the order history.', 'crossbuy' ),
				array( 'status' => rest_authorization_required_code() )
			);
		}
		$nonce = $request->get_header( 'X-WP-Nonce' );
		if ( null === $nonce || '' === $nonce ) {
			$nonce = $request->get_param( '_wpnonce' );
		}
		$by_application_password = ! empty( $GLOBALS['wp_rest_application_password_uuid'] );
		if ( ! $by_application_password && ! wp_verify_nonce( (string) $nonce, 'wp_rest' ) ) {
			return new WP_Error(
				'crossbuy_invalid_nonce',
				__( 'The request has no valid nonce: reload the page and try again.', 'crossbuy' ),
				array( 'status' => 403 )
			);
		}
		return true;
	}

	/**
	 * One page of orders: `{"orders":[…],"page":1,"per_page":100,"total":250,"total_pages":3}`,
	 * with WordPress's `X-WP-Total` and `X-WP-TotalPages` headers.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response
	 */
	public static function rest_page( $request ) {
		$page     = max( 1, (int) $request->get_param( 'page' ) );
		$per_page = min( self::MAX_PER_PAGE, max( 1, (int) $request->get_param( 'per_page' ) ) );
		$result   = self::query( $page, $per_page );
		$orders   = array();
		foreach ( $result['orders'] as $order ) {
			$orders[] = self::record( $order );
		}
		$response = new WP_REST_Response(
			array(
				'orders'      => $orders,
				'page'        => $page,
				'per_page'    => $per_page,
				'total'       => $result['total'],
				'total_pages' => $result['pages'],
			)
		);
		$response->header( 'X-WP-Total', (string) $result['total'] );
		$response->header( 'X-WP-TotalPages', (string) $result['pages'] );
		return $response;
	}

	/**
	 * A page of shop orders, oldest first.
	 *
	 * @param int $page     1-based page.
	 * @param int $per_page Orders per page.
	 * @return array{orders: array<int, WC_Order>, total: int, pages: int}
	 */
	public static function query( $page, $per_page ) {
		$result = wc_get_orders(
			array(
				'type'     => 'shop_order',
				'limit'    => $per_page,
				'page'     => $page,
				'paginate' => true,
				'orderby'  => 'date',
				'order'    => 'ASC',
			)
		);
		return array(
			'orders' => is_object( $result ) && isset( $result->orders ) ? (array) $result->orders : array(),
			'total'  => is_object( $result ) && isset( $result->total ) ? (int) $result->total : 0,
			'pages'  => is_object( $result ) && isset( $result->max_num_pages ) ? (int) $result->max_num_pages : 0,
		);
	}

	/**
	 * The site's secret for customer keys, made on first use (not autoloaded).
	 *
	 * @return string
	 */
	public static function secret() {
		$secret = get_option( self::SECRET_OPTION, '' );
		if ( ! is_string( $secret ) || strlen( $secret ) < 32 ) {
			$secret = wp_generate_password( 64, true, true );
			update_option( self::SECRET_OPTION, $secret, false );
		}
		return $secret;
	}

	/**
	 * The buyer's key: HMAC-SHA256 of the lower-cased billing email (or "user:ID"), hex; ''
	 * for an order with neither.
	 *
	 * @param WC_Order $order The order.
	 * @return string
	 */
	public static function customer_key( $order ) {
		$email = strtolower( trim( (string) $order->get_billing_email() ) );
		if ( '' === $email ) {
			$user = (int) $order->get_customer_id();
			if ( $user <= 0 ) {
				return '';
			}
			$email = 'user:' . $user;
		}
		return hash_hmac( 'sha256', $email, self::secret() );
	}

	/**
	 * One order in the documented form.
	 *
	 * @param WC_Order $order The order.
	 * @return array<string, mixed>
	 */
	public static function record( $order ) {
		$currency = strtoupper( (string) $order->get_currency() );
		$exponent = Crossbuy_Money::exponent( $currency );
		$with_tax = function_exists( 'wc_prices_include_tax' ) && wc_prices_include_tax();
		$created  = $order->get_date_created();
		$refund_at = self::refund_dates( $order );
		$items    = array();
		foreach ( $order->get_items( 'line_item' ) as $line ) {
			if ( ! is_object( $line ) || ! method_exists( $line, 'get_product_id' ) ) {
				continue;
			}
			$product  = method_exists( $line, 'get_product' ) ? $line->get_product() : null;
			$refunded = method_exists( $order, 'get_qty_refunded_for_item' ) ? $order->get_qty_refunded_for_item( $line->get_id() ) : 0;
			$items[]  = array(
				'product_id'        => (int) $line->get_product_id(),
				'variation_id'      => (int) $line->get_variation_id(),
				'sku'               => is_object( $product ) && method_exists( $product, 'get_sku' ) ? (string) $product->get_sku() : '',
				'name'              => (string) $line->get_name(),
				'quantity'          => (int) $line->get_quantity(),
				'price'             => Crossbuy_Context::unit_price( $line, $exponent, $with_tax ),
				'refunded_quantity' => abs( (int) $refunded ),
				'refunded_at'       => isset( $refund_at[ $line->get_id() ] ) ? gmdate( 'Y-m-d\TH:i:s\Z', $refund_at[ $line->get_id() ] ) : '',
			);
		}
		return array(
			'id'         => (int) $order->get_id(),
			'created_at' => $created instanceof DateTimeInterface ? gmdate( 'Y-m-d\TH:i:s\Z', $created->getTimestamp() ) : '',
			'status'     => (string) $order->get_status(),
			'customer'   => self::customer_key( $order ),
			'currency'   => $currency,
			'items'      => $items,
		) + Crossbuy_Measure::of_order( $order );
	}

	/**
	 * When each line was last refunded: the refunds' dates by the order line they refund
	 * (a refund's line names it in its `_refunded_item_id` meta), as Unix seconds.
	 *
	 * @param WC_Order $order The order.
	 * @return array<int, int>
	 */
	public static function refund_dates( $order ) {
		$dates = array();
		if ( ! method_exists( $order, 'get_refunds' ) ) {
			return $dates;
		}
		foreach ( (array) $order->get_refunds() as $refund ) {
			$date = is_object( $refund ) ? $refund->get_date_created() : null;
			if ( ! $date instanceof DateTimeInterface ) {
				continue;
			}
			foreach ( $refund->get_items( 'line_item' ) as $item ) {
				$of = (int) $item->get_meta( '_refunded_item_id', true );
				if ( $of > 0 && 0 !== (int) $item->get_quantity() ) {
					$dates[ $of ] = max( isset( $dates[ $of ] ) ? $dates[ $of ] : 0, $date->getTimestamp() );
				}
			}
		}
		return $dates;
	}

	/**
	 * An order's CSV rows, one per line item, in the order of COLUMNS.
	 *
	 * @param array<string, mixed> $record An order as record() gives it.
	 * @return array<int, array<int, string>>
	 */
	public static function rows( array $record ) {
		$rows = array();
		foreach ( $record['items'] as $item ) {
			$rows[] = array(
				(string) $record['id'],
				$record['created_at'],
				$record['status'],
				$record['customer'],
				$record['currency'],
				(string) $item['product_id'],
				(string) $item['variation_id'],
				self::csv_text( $item['sku'] ),
				self::csv_text( $item['name'] ),
				(string) $item['quantity'],
				null === $item['price'] ? '' : (string) $item['price'],
				(string) $item['refunded_quantity'],
				$item['refunded_at'],
				self::csv_text( $record[ Crossbuy_Measure::ARM ] ),
				self::csv_text( $record[ Crossbuy_Measure::PAGE ] ),
				self::csv_text( $record[ Crossbuy_Measure::ADDED ] ),
			);
		}
		return $rows;
	}

	/**
	 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
	 * first) is prefixed with `'`, as WooCommerce's own exports do; crossbuy reads it back.
	 *
	 * @param string $text The text.
	 * @return string
	 */
	public static function csv_text( $text ) {
		return '' !== $text && false !== strpos( "=+-@\t\r", $text[0] ) ? "'" . $text : $text;
	}

	/** The download's URL, with its nonce. */
	public static function download_url() {
		return wp_nonce_url( admin_url( 'admin-post.php?action=' . self::CSV_ACTION ), self::CSV_ACTION );
	}

	/** Sends the whole history as CSV (admin-post.php?action=crossbuy_order_history). */
	public static function download() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Only shop managers may download the order history.', 'crossbuy' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::CSV_ACTION );
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="crossbuy-orders-' . gmdate( 'Y-m-d' ) . '.csv"' );
		header( 'X-Content-Type-Options: nosniff' );
		self::write_csv( 'php://output' );
		exit;
	}

	/**
	 * Writes the CSV to $target, a page of orders at a time.
	 *
	 * @param string $target A stream (php://output) or a file.
	 */
	public static function write_csv( $target ) {
		$out = fopen( $target, 'w' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fopen -- a stream, not a file in the site.
		if ( false === $out ) {
			return;
		}
		fputcsv( $out, self::COLUMNS, ',', '"', '' );
		$page = 1;
		do {
			$result = self::query( $page, self::PER_PAGE );
			foreach ( $result['orders'] as $order ) {
				foreach ( self::rows( self::record( $order ) ) as $row ) {
					fputcsv( $out, $row, ',', '"', '' );
				}
			}
			++$page;
		} while ( $page <= $result['pages'] );
		fclose( $out ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
	}
}
