<?php
/**
 * The order history: who may read it (capability, nonce), its pages, the customer key, and the
 * CSV download, as the shop's manager and the builder receive them.
 */

/** Three orders of two customers (Ann's email in two cases), created out of order. */
function history_orders() {
	order(
		array(
			'id'      => 1003,
			'email'   => 'ANN@Example.com ',
			'created' => '2023-05-01T10:00:00+01:00',
			'status'  => 'refunded',
			'items'   => array(
				array( 'id' => 31, 'product_id' => 110, 'quantity' => 2, 'subtotal' => '9.00', 'name' => 'Earl Grey Tea', 'sku' => 'TEA-EG', 'refunded' => 2 ),
			),
		)
	);
	order(
		array(
			'id'      => 1001,
			'email'   => 'bob@example.com',
			'created' => '2023-04-18T10:00:00+01:00',
			'status'  => 'completed',
			'items'   => array(
				array( 'id' => 11, 'product_id' => 111, 'quantity' => 1, 'subtotal' => '4.25', 'name' => 'Green Tea', 'sku' => 'TEA-GR' ),
				array( 'id' => 12, 'product_id' => 101, 'variation_id' => 103, 'quantity' => 3, 'subtotal' => '26.97', 'name' => '=HYPERLINK("x") Mug, "Black"', 'sku' => 'MUG-B', 'refunded' => 1 ),
			),
			// Two refunds of the mug line (the later one is its date), one of no quantity.
			'refunds' => array(
				array( 'created' => '2023-04-30T12:00:00+01:00', 'lines' => array( 12 => 1 ) ),
				array( 'created' => '2023-04-21T12:00:00+01:00', 'lines' => array( 12 => 1, 11 => 0 ) ),
			),
		),
		array( '_crossbuy_arm' => 'fbt-2026:holdout', '_crossbuy_page' => 'checkout', '_crossbuy_added' => '101' )
	);
	order(
		array(
			'id'          => 1002,
			'email'       => '',
			'customer_id' => 7,
			'created'     => '2023-04-20T10:00:00+01:00',
			'status'      => 'processing',
			'items'       => array(
				array( 'id' => 21, 'product_id' => 150, 'quantity' => 1, 'subtotal' => '4.50', 'name' => 'Deleted product' ),
			),
		)
	);
}

/** A manager's request with the REST nonce WordPress prints for them. */
function manager_get( array $params = array(), array $headers = null ) {
	$GLOBALS['wp']['user_id'] = 1;
	$headers                  = null === $headers ? array( 'X-WP-Nonce' => wp_create_nonce( 'wp_rest' ) ) : $headers;
	return rest_dispatch( 'GET', '/crossbuy/v1/orders', $params, $headers );
}

test(
	'only a shop manager with the REST nonce reads the history',
	function () {
		history_orders();
		$GLOBALS['wp']['caps'] = array();
		$GLOBALS['wp']['user_id'] = 0;
		$guest = rest_dispatch( 'GET', '/crossbuy/v1/orders' );
		check( 'a visitor', array( $guest->get_status(), $guest->get_data()['code'] ), array( 401, 'crossbuy_forbidden' ) );

		$GLOBALS['wp']['user_id'] = 5;
		$customer                 = rest_dispatch( 'GET', '/crossbuy/v1/orders', array(), array( 'X-WP-Nonce' => wp_create_nonce( 'wp_rest' ) ) );
		check( 'a customer with a nonce', array( $customer->get_status(), $customer->get_data()['code'] ), array( 403, 'crossbuy_forbidden' ) );

		$GLOBALS['wp']['caps'] = array( 'manage_options' );
		check( 'an administrator without manage_woocommerce', manager_get()->get_status(), 403 );

		$GLOBALS['wp']['caps'] = array( 'manage_woocommerce' );
		$no_nonce              = manager_get( array(), array() );
		check( 'a manager without the nonce', array( $no_nonce->get_status(), $no_nonce->get_data()['code'] ), array( 403, 'crossbuy_invalid_nonce' ) );
		$stale = manager_get( array(), array( 'X-WP-Nonce' => wp_create_nonce( 'another_action' ) ) );
		check( 'a manager with another action\'s nonce', $stale->get_status(), 403 );
		check( 'a manager with the nonce', manager_get()->get_status(), 200 );
		$GLOBALS['wp_rest_application_password_uuid'] = 'a3e7d2c0-0000-4000-8000-000000000000';
		check( 'a manager signed in with an application password', manager_get( array(), array() )->get_status(), 200 );
	}
);

test(
	'pages of orders, oldest first, with the totals in the body and the headers',
	function () {
		history_orders();
		$first = manager_get( array( 'per_page' => 2 ) );
		$data  = $first->get_data();
		check( 'first page ids', array_column( $data['orders'], 'id' ), array( 1001, 1002 ) );
		check( 'paging', array( $data['page'], $data['per_page'], $data['total'], $data['total_pages'] ), array( 1, 2, 3, 2 ) );
		check( 'headers', $first->get_headers(), array( 'X-WP-Total' => '3', 'X-WP-TotalPages' => '2' ) );
		$second = manager_get( array( 'per_page' => 2, 'page' => 2 ) )->get_data();
		check( 'second page', array_column( $second['orders'], 'id' ), array( 1003 ) );
		check( 'past the end', manager_get( array( 'per_page' => 2, 'page' => 3 ) )->get_data()['orders'], array() );
		check( 'default page size', manager_get()->get_data()['per_page'], 100 );
		check( 'shop orders by date, ascending', array_slice( end( $GLOBALS['wp']['order_queries'] ), 0, 7 ), array( 'type' => 'shop_order', 'limit' => 100, 'page' => 1, 'paginate' => true, 'orderby' => 'date', 'order' => 'ASC' ) );
		foreach ( array( array( 'per_page' => 0 ), array( 'per_page' => 501 ), array( 'page' => 0 ), array( 'page' => 'two' ) ) as $bad ) {
			check( 'refused ' . wp_json_encode( $bad ), manager_get( $bad )->get_status(), 400 );
		}
	}
);

test(
	'an order in the documented form: ids, status, unit prices in minor units, refunds',
	function () {
		history_orders();
		$orders = manager_get()->get_data()['orders'];
		$bob    = $orders[0];
		unset( $bob['customer'] );
		check(
			'order 1001',
			$bob,
			array(
				'id'              => 1001,
				'created_at'      => '2023-04-18T09:00:00Z',
				'status'          => 'completed',
				'currency'        => 'GBP',
				'items'           => array(
					array( 'product_id' => 111, 'variation_id' => 0, 'sku' => 'TEA-GR', 'name' => 'Green Tea', 'quantity' => 1, 'price' => 425, 'refunded_quantity' => 0, 'refunded_at' => '' ),
					array( 'product_id' => 101, 'variation_id' => 103, 'sku' => 'MUG-B', 'name' => '=HYPERLINK("x") Mug, "Black"', 'quantity' => 3, 'price' => 899, 'refunded_quantity' => 1, 'refunded_at' => '2023-04-30T11:00:00Z' ),
				),
				'_crossbuy_arm'   => 'fbt-2026:holdout',
				'_crossbuy_page'  => 'checkout',
				'_crossbuy_added' => '101',
			)
		);
		check( 'an order crossbuy wrote nothing into', array( $orders[1]['_crossbuy_arm'], $orders[1]['_crossbuy_page'], $orders[1]['_crossbuy_added'] ), array( '', '', '' ) );
		check( 'a deleted product has no SKU', $orders[1]['items'][0]['sku'], '' );
		check( 'a refunded line', array( $orders[2]['status'], $orders[2]['items'][0]['refunded_quantity'] ), array( 'refunded', 2 ) );
	}
);

test(
	'the customer key is a keyed hash of the email, never the email, the same for the same buyer',
	function () {
		update_option( Crossbuy_History::SECRET_OPTION, 'fixture-site-secret-0123456789abcdef' );
		history_orders();
		$orders = manager_get()->get_data()['orders'];
		$keys   = array_column( $orders, 'customer', 'id' );
		check( 'bob', $keys[1001], hash_hmac( 'sha256', 'bob@example.com', 'fixture-site-secret-0123456789abcdef' ) );
		check( 'an account without an email', $keys[1002], hash_hmac( 'sha256', 'user:7', 'fixture-site-secret-0123456789abcdef' ) );
		check( 'Ann, whatever the case and spaces', $keys[1003], hash_hmac( 'sha256', 'ann@example.com', 'fixture-site-secret-0123456789abcdef' ) );
		check( 'no email anywhere in the answer', preg_match( '/@|example\.com/i', wp_json_encode( $orders ) ), 0 );

		// The builder's fixture was written with the same rule (its secret "fixture-site-secret").
		$fixture = file_get_contents( dirname( __DIR__, 2 ) . '/crates/builder/tests/fixtures/woocommerce/crossbuy-orders.csv' );
		check( 'the fixture\'s key for Ann', strpos( $fixture, hash_hmac( 'sha256', 'ann@example.com', 'fixture-site-secret' ) ) !== false, true );
	}
);

test(
	'a site secret is made once, long and random, and not autoloaded',
	function () {
		$first = Crossbuy_History::secret();
		check( 'long', strlen( $first ) >= 32, true );
		check( 'kept', Crossbuy_History::secret(), $first );
		wp_reset();
		check( 'another site, another secret', Crossbuy_History::secret() === $first, false );
	}
);

test(
	'the CSV download: for managers with the link\'s nonce; one row per line, formulas made inert',
	function () {
		history_orders();
		update_option( Crossbuy_History::SECRET_OPTION, 'fixture-site-secret-0123456789abcdef' );
		$GLOBALS['wp']['user_id'] = 1;
		$GLOBALS['wp']['caps']    = array();
		try {
			Crossbuy_History::download();
			check( 'a visitor is stopped', 'downloaded', 'stopped' );
		} catch ( Fake_Die $e ) {
			check( 'a visitor is stopped', $e->status, 403 );
		}
		$GLOBALS['wp']['caps'] = array( 'manage_woocommerce' );
		try {
			Crossbuy_History::download();
			check( 'a link without its nonce is stopped', 'downloaded', 'stopped' );
		} catch ( Fake_Die $e ) {
			check( 'a link without its nonce is stopped', $e->status, 403 );
		}
		check( 'the link carries the nonce', html_entity_decode( Crossbuy_History::download_url() ), 'https://shop.example/wp-admin/admin-post.php?action=crossbuy_order_history&_wpnonce=' . wp_create_nonce( 'crossbuy_order_history' ) );

		$file = $GLOBALS['wp']['uploads_dir'] . '/history.csv';
		Crossbuy_History::write_csv( $file );
		$rows = array_map( 'str_getcsv', file( $file, FILE_IGNORE_NEW_LINES ) );
		$bob  = hash_hmac( 'sha256', 'bob@example.com', 'fixture-site-secret-0123456789abcdef' );
		check( 'header', $rows[0], Crossbuy_History::COLUMNS );
		check( 'rows', count( $rows ), 5 );
		check( 'a line', $rows[1], array( '1001', '2023-04-18T09:00:00Z', 'completed', $bob, 'GBP', '111', '0', 'TEA-GR', 'Green Tea', '1', '425', '0', '', 'fbt-2026:holdout', 'checkout', '101' ) );
		check( 'a refunded line says when', array_slice( $rows[2], 11, 2 ), array( '1', '2023-04-30T11:00:00Z' ) );
		check( 'an order without the meta', array_slice( $rows[3], 13 ), array( '', '', '' ) );
		check( 'a formula is text', $rows[2][8], '\'=HYPERLINK("x") Mug, "Black"' );
		check( 'a refunded line', array_slice( $rows[4], 0, 3 ), array( '1003', '2023-05-01T09:00:00Z', 'refunded' ) );
	}
);
