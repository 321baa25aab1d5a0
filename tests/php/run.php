<?php
/**
 * Runs the crossbuy WooCommerce plugin's tests: loads the stubs and the plugin as WordPress
 * would, then every tests/php/test-*.php. Each test looks at what the shop's page (or its admin)
 * would contain. Prints one line per failure and closes with "N passed, N failed".
 */

require __DIR__ . '/stubs.php';
require __DIR__ . '/plugin.php';
wp_reset();
require crossbuy_plugin_under_test();

// A warning or notice is a bug: it fails the test that caused it.
set_error_handler(
	function ( $severity, $message, $file, $line ) {
		throw new ErrorException( $message, 0, $severity, $file, $line );
	}
);

$GLOBALS['tally'] = array( 'passed' => 0, 'failed' => 0 );
$GLOBALS['test']  = '';

/** The one assertion: $got must be identical to $expected. */
function check( $what, $got, $expected ) {
	if ( $got === $expected ) {
		$GLOBALS['tally']['passed']++;
		return;
	}
	$GLOBALS['tally']['failed']++;
	echo 'FAIL ' . $GLOBALS['test'] . ': ' . $what . "\n  expected: " . var_export( $expected, true ) . "\n  got:      " . var_export( $got, true ) . "\n";
}

/** Runs one test on a fresh fake site; an exception fails it with its message. */
function test( $name, callable $body ) {
	wp_reset();
	$GLOBALS['test'] = $name;
	try {
		$body();
	} catch ( Throwable $e ) {
		$GLOBALS['tally']['failed']++;
		echo 'FAIL ' . $name . ': threw ' . get_class( $e ) . ': ' . $e->getMessage() . ' at ' . basename( $e->getFile() ) . ':' . $e->getLine() . "\n";
	}
}

/** What $fn prints. */
function output( callable $fn ) {
	ob_start();
	try {
		$fn();
	} finally {
		$html = ob_get_clean();
	}
	return $html;
}

/** Saves settings the way options.php does: through the sanitize callback. */
function configure( array $settings ) {
	update_option( 'crossbuy_settings', Crossbuy_Settings::sanitize( $settings ) );
}

/** The context JSON in a page, decoded, or null when there is no context element. */
function context_in( $html ) {
	if ( ! preg_match( '#<script type="application/json" id="crossbuy-context">(.*?)</script>#s', $html, $m ) ) {
		return null;
	}
	return json_decode( $m[1], true );
}

/** A configured shop. */
function shop( array $more = array() ) {
	configure(
		$more + array(
			'catalog_url' => 'https://cdn.example/crossbuy/catalog.json',
		)
	);
}

/** An order like WooCommerce stores it: amounts are decimal strings, line totals. */
function order( array $d = array(), array $meta = array() ) {
	$order = new Fake_Order(
		$d + array(
			'id'          => 1001,
			'key'         => 'wc_order_Ab12Cd34',
			'currency'    => 'GBP',
			'email'       => 'ada@example.com',
			'customer_id' => 0,
			'created'     => '2026-11-20T11:00:00+01:00',
			'items'       => array(
				array( 'product_id' => 85, 'quantity' => 2, 'subtotal' => '5.90' ),
				array( 'product_id' => 40, 'variation_id' => 41, 'quantity' => 1, 'subtotal' => '4.25' ),
			),
		),
		$meta
	);
	$GLOBALS['wp']['orders'][ $order->get_id() ] = $order;
	return $order;
}

/** The order-received page of $order, opened with $key, as WooCommerce renders it (a new request). */
function thank_you_page( $order, $key = null ) {
	$GLOBALS['wp']['did']         = array();
	$GLOBALS['wp']['is_received'] = true;
	$_GET['key']                  = null === $key ? $order->get_order_key() : $key;
	return output(
		function () use ( $order ) {
			do_action( 'woocommerce_thankyou', $order->get_id() );
		}
	);
}

foreach ( glob( __DIR__ . '/test-*.php' ) as $file ) {
	require $file;
}

printf( "%d passed, %d failed\n", $GLOBALS['tally']['passed'], $GLOBALS['tally']['failed'] );
exit( $GLOBALS['tally']['failed'] > 0 ? 1 : 0 );
