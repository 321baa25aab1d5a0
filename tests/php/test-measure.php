<?php
/**
 * The experiment in the order: the arm as the engine chooses it, the widget's adds told apart
 * from the shopper's own, what the order keeps and what the order history exports for
 * `crossbuy report` (crates/builder/tests/woocommerce_report.rs reads the same export).
 */

/** The builder's fixtures folder. */
function measure_fixtures() {
	return dirname( __DIR__, 2 ) . '/crates/builder/tests/fixtures/woocommerce';
}

/** A shop whose saved catalog declares the experiment "woo-test" (crossbuy, holdout). */
function experiment_shop() {
	configure( array() );
	$saved = Crossbuy_Catalog::save( (string) file_get_contents( measure_fixtures() . '/experiment-catalog.json' ) );
	check( 'the catalog is saved with its experiment', is_wp_error( $saved ) ? $saved->get_error_message() : $saved['experiment']['name'], 'woo-test' );
}

/** A Store API add-item request, as the widget (with ?crossbuy=) or the theme (without) sends it. */
function add_item( $id, $page = null ) {
	$params = array( 'id' => $id, 'quantity' => 1 );
	if ( null !== $page ) {
		$params['crossbuy'] = $page;
	}
	$data = array( 'id' => $id, 'quantity' => 1, 'variation' => array(), 'cart_item_data' => array() );
	return apply_filters( 'woocommerce_store_api_add_to_cart_data', $data, new WP_REST_Request( 'POST', $params ) );
}

/** A cart entry from an add (as WooCommerce keeps it: the product and the cart item data). */
function cart_entry( array $add, $product_id = null ) {
	return array( 'product_id' => null === $product_id ? $add['id'] : $product_id, 'variation_id' => 0, 'quantity' => 1 ) + $add['cart_item_data'];
}

/** The checkout page for the session's cart, then the order placed from it. */
function checkout( $session, array $entries, array $order ) {
	$GLOBALS['wp']['session']     = $session;
	$GLOBALS['wp']['cart']        = new Fake_Cart( $entries );
	$GLOBALS['wp']['is_checkout'] = true;
	$GLOBALS['wp']['is_received'] = false;
	$html                         = output(
		function () {
			do_action( 'wp_footer' );
		}
	);
	$placed = order( $order );
	do_action( 'woocommerce_checkout_create_order', $placed, array() );
	return array( context_in( $html ), $placed );
}

test(
	'the arm is the engine\'s: the same hash and split on every case crates/engine writes',
	function () {
		$cases = json_decode( file_get_contents( dirname( __DIR__, 2 ) . '/crates/engine/tests/fixtures/experiment-assign.json' ), true );
		check( 'cases', count( $cases ) > 100, true );
		$wrong = array();
		foreach ( $cases as $c ) {
			$arms = array();
			foreach ( $c['weights'] as $i => $w ) {
				$arms[] = array( 'name' => 'arm' . $i, 'weight' => $w );
			}
			$e   = array( 'name' => $c['experiment'], 'arms' => $arms );
			$got = array( Crossbuy_Measure::bucket( $c['experiment'], $c['unit'] ), Crossbuy_Measure::assign( $e, $c['unit'] ) );
			if ( array( $c['bucket'], $c['arm'] ) !== $got ) {
				$wrong[] = $c['experiment'] . '/' . $c['unit'] . ': ' . implode( ' ', $got );
			}
		}
		check( 'cases the PHP port gets wrong', $wrong, array() );
	}
);

test(
	'only an experiment the engine would run is kept, and only for the catalog saved here',
	function () {
		$ok = array( 'name' => 'x', 'arms' => array( array( 'name' => 'a' ), array( 'name' => 'b', 'weight' => 3, 'show' => 'none' ) ) );
		check( 'weights default to 1', Crossbuy_Measure::experiment_of( array( 'experiment' => $ok ) ), array( 'name' => 'x', 'arms' => array( array( 'name' => 'a', 'weight' => 1 ), array( 'name' => 'b', 'weight' => 3 ) ) ) );
		$bad = array(
			'one arm'       => array( 'name' => 'x', 'arms' => array( array( 'name' => 'a' ) ) ),
			'a capital'     => array( 'name' => 'X', 'arms' => $ok['arms'] ),
			'weight 0'      => array( 'name' => 'x', 'arms' => array( array( 'name' => 'a', 'weight' => 0 ), array( 'name' => 'b' ) ) ),
			'weight 1001'   => array( 'name' => 'x', 'arms' => array( array( 'name' => 'a', 'weight' => 1001 ), array( 'name' => 'b' ) ) ),
			'weight "2"'    => array( 'name' => 'x', 'arms' => array( array( 'name' => 'a', 'weight' => '2' ), array( 'name' => 'b' ) ) ),
			'no arm name'   => array( 'name' => 'x', 'arms' => array( array( 'weight' => 2 ), array( 'name' => 'b' ) ) ),
			'arms not list' => array( 'name' => 'x', 'arms' => 'ab' ),
		);
		foreach ( $bad as $what => $e ) {
			check( $what, Crossbuy_Measure::experiment_of( array( 'experiment' => $e ) ), null );
		}
		check( 'no experiment', Crossbuy_Measure::experiment_of( array( 'version' => 1 ) ), null );

		experiment_shop();
		check( 'the saved catalog\'s', Crossbuy_Measure::experiment()['arms'][1], array( 'name' => 'holdout', 'weight' => 1 ) );
		configure( array( 'catalog_url' => 'https://cdn.example/catalog.json' ) );
		check( 'another catalog is live: its experiment is not known here', Crossbuy_Measure::experiment(), null );
		check( 'so no arm', Crossbuy_Measure::arm_value( 't_a1' ), '' );
	}
);

test(
	'the widget\'s adds name their page; the shop\'s own adds are left alone',
	function () {
		experiment_shop();
		$GLOBALS['wp']['is_checkout'] = true;
		check( 'the checkout page\'s endpoint', Crossbuy_Frontend::attributes()['data-cart-endpoint'], 'https://shop.example/wp-json/wc/store/v1/cart/add-item?crossbuy=checkout' );
		$GLOBALS['wp']['is_received'] = true;
		check( 'the order-received page\'s', Crossbuy_Frontend::attributes()['data-cart-endpoint'], 'https://shop.example/wp-json/wc/store/v1/cart/add-item?crossbuy=thank_you' );

		check( 'the theme\'s add', add_item( 90 )['cart_item_data'], array() );
		check( 'an unknown page', add_item( 90, 'product' )['cart_item_data'], array() );
		check( 'a checkout add', add_item( 90, 'checkout' )['cart_item_data'], array( 'crossbuy_added' => 'checkout' ) );
		$GLOBALS['wp']['session'] = new Fake_Session( 't_a1' );
		check( 'an order-received add before any such page', add_item( 95, 'thank_you' )['cart_item_data'], array( 'crossbuy_added' => 'thank_you' ) );

		$line = new Fake_Order_Item( array( 'product_id' => 90, 'quantity' => 1, 'subtotal' => '3.50' ) );
		do_action( 'woocommerce_checkout_create_order_line_item', $line, 'k1', cart_entry( add_item( 90, 'checkout' ) ), null );
		check( 'the order line of an add is marked, hidden', $line->get_meta( '_crossbuy_added' ), 'checkout' );
		$own = new Fake_Order_Item( array( 'product_id' => 85, 'quantity' => 1, 'subtotal' => '2.95' ) );
		do_action( 'woocommerce_checkout_create_order_line_item', $own, 'k2', cart_entry( add_item( 85 ) ), null );
		check( 'the shopper\'s own line is not', $own->get_meta( '_crossbuy_added' ), '' );
	}
);

test(
	'without an experiment the orders carry nothing',
	function () {
		configure( array() );
		Crossbuy_Catalog::save( (string) file_get_contents( dirname( __DIR__, 2 ) . '/www/platforms/catalog.json' ) );
		list( $context, $placed ) = checkout( new Fake_Session( 't_a1' ), array( cart_entry( add_item( 90, 'checkout' ) ) ), array( 'id' => 3001 ) );
		check( 'the context still has the cart\'s unit', $context['cart_token'], 't_a1' );
		check( 'no meta', $placed->meta, array() );
		list( $context ) = checkout( null, array(), array( 'id' => 3002 ) );
		check( 'no session, no unit', isset( $context['cart_token'] ), false );
	}
);

test(
	'checkouts and an order-received page write the arm, the page and the adds; the history exports them for crossbuy report',
	function () {
		experiment_shop();
		update_option( Crossbuy_History::SECRET_OPTION, 'fixture-site-secret-0123456789abcdef' );
		$item = function ( $id, $product, $price, $more = array() ) {
			return $more + array( 'id' => $id, 'product_id' => $product, 'quantity' => 1, 'subtotal' => $price, 'name' => 'p' . $product );
		};

		// Bob (session t_a1, arm crossbuy) adds the spoon from the checkout widget.
		list( $context, $bob ) = checkout(
			new Fake_Session( 't_a1' ),
			array( cart_entry( add_item( 85 ) ), cart_entry( add_item( 90, 'checkout' ) ) ),
			array(
				'id'      => 2001,
				'email'   => 'bob@example.com',
				'created' => '2026-11-02T10:00:00Z',
				'items'   => array( $item( 11, 85, '2.95' ), $item( 12, 90, '3.50', array( 'refunded' => 1 ) ) ),
				// The spoon came back three days later.
				'refunds' => array( array( 'created' => '2026-11-05T10:00:00Z', 'lines' => array( 12 => 1 ) ) ),
			)
		);
		check( 'the checkout context has the cart\'s unit', $context['cart_token'], 't_a1' );
		check( 'Bob\'s order', $bob->meta, array( '_crossbuy_arm' => 'woo-test:crossbuy', '_crossbuy_page' => 'checkout', '_crossbuy_added' => '90' ) );

		// Cy (t_a3) is in the holdout: no widget, but the order says so.
		list( , $cy ) = checkout(
			new Fake_Session( 't_a3' ),
			array( cart_entry( add_item( 85 ) ), cart_entry( add_item( 40 ), 40 ) ),
			array(
				'id'      => 2002,
				'email'   => 'cy@example.com',
				'created' => '2026-11-03T10:00:00Z',
				'items'   => array( $item( 21, 85, '2.95' ), $item( 22, 40, '8.99', array( 'variation_id' => 41, 'refunded' => 1 ) ) ),
				'refunds' => array( array( 'created' => '2026-11-23T10:00:00Z', 'lines' => array( 22 => 1 ) ) ),
			)
		);
		check( 'Cy\'s order', $cy->meta, array( '_crossbuy_arm' => 'woo-test:holdout', '_crossbuy_page' => 'checkout' ) );

		// Ann (t_a2, crossbuy) buys tea; her order-received page (order 2003: the arm its id
		// hashes to, as the widget chooses it) shows the cake, she adds it and checks out again.
		$ann = new Fake_Session( 't_a2' );
		list( , $first ) = checkout(
			$ann,
			array( cart_entry( add_item( 85 ) ) ),
			array(
				'id'      => 2003,
				'email'   => 'ann@example.com',
				'created' => '2026-11-04T10:00:00Z',
				'items'   => array( $item( 31, 85, '2.95' ) ),
			)
		);
		check( 'Ann\'s first order', $first->meta, array( '_crossbuy_arm' => 'woo-test:crossbuy', '_crossbuy_page' => 'checkout' ) );
		thank_you_page( $first );
		// (The hash is the engine's: the first test.)
		check( 'the page\'s arm is the order id\'s', $ann->get( Crossbuy_Measure::SESSION_THANK_YOU ), 'woo-test:' . Crossbuy_Measure::experiment()['arms'][ Crossbuy_Measure::assign( Crossbuy_Measure::experiment(), '2003' ) ]['name'] );
		$cake = add_item( 95, 'thank_you' );
		check( 'the add carries the page\'s arm', $cake['cart_item_data'], array( 'crossbuy_added' => 'thank_you', 'crossbuy_arm' => 'woo-test:crossbuy' ) );
		list( , $second ) = checkout(
			$ann,
			array( cart_entry( $cake ), cart_entry( add_item( 40, 'checkout' ), 40 ) ),
			array(
				'id'      => 2004,
				'email'   => 'ann@example.com',
				'created' => '2026-11-06T10:00:00Z',
				'items'   => array( $item( 41, 95, '4.50' ), $item( 42, 40, '8.99', array( 'variation_id' => 41 ) ) ),
			)
		);
		check( 'the order the page started is the page\'s, with its adds only', $second->meta, array( '_crossbuy_arm' => 'woo-test:crossbuy', '_crossbuy_page' => 'thank_you', '_crossbuy_added' => '95' ) );

		// Dee (t_a6, holdout) buys a mug.
		checkout(
			new Fake_Session( 't_a6' ),
			array( cart_entry( add_item( 40 ), 40 ) ),
			array(
				'id'      => 2005,
				'email'   => 'dee@example.com',
				'created' => '2026-11-07T10:00:00Z',
				'items'   => array( $item( 51, 40, '8.99', array( 'variation_id' => 41 ) ) ),
			)
		);

		$file = $GLOBALS['wp']['uploads_dir'] . '/experiment-orders.csv';
		Crossbuy_History::write_csv( $file );
		$fixture = measure_fixtures() . '/crossbuy-experiment-orders.csv';
		if ( getenv( 'CROSSBUY_BLESS' ) ) {
			copy( $file, $fixture );
		}
		check( 'the builder\'s fixture is this export (CROSSBUY_BLESS=1 rewrites it)', file_get_contents( $file ), (string) @file_get_contents( $fixture ) );
	}
);
