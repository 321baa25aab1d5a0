<?php
/**
 * Prints what the crossbuy plugin adds to WooCommerce's order-received page, run through the
 * plugin as WordPress would (tests/php/stubs.php): the context and container from the
 * `woocommerce_thankyou` action, then the loader's tag from the `script_loader_tag` filter.
 * The fixture page www/platforms/woocommerce.html carries exactly this output, which
 * tests/e2e/platform-woocommerce.test.mjs checks, so the page the widget is tested on is the
 * plugin's. As a merchant sets it up: the plugin's own loader, and the platform fixtures'
 * catalog (www/platforms/catalog.json) saved on the admin page, which puts it in uploads. The
 * demo server serves the plugin's assets folder and that upload at the same paths
 * (scripts/platforms.mjs).
 *
 * Usage: php tests/php/print-order-received.php
 */

require __DIR__ . '/stubs.php';
require __DIR__ . '/plugin.php';
wp_reset();
require crossbuy_plugin_under_test();

// Site-relative URLs: the demo shop serves the Store API, the plugin and the uploads.
$GLOBALS['wp']['home']        = '';
$GLOBALS['wp']['plugins_url'] = '/wp-content/plugins';
$GLOBALS['wp']['uploads_url'] = '/wp-content/uploads';
$saved = Crossbuy_Catalog::save( (string) file_get_contents( dirname( __DIR__, 2 ) . '/www/platforms/catalog.json' ) );
if ( is_wp_error( $saved ) ) {
	fwrite( STDERR, 'print-order-received: ' . $saved->get_error_message() . "\n" );
	exit( 1 );
}
update_option( 'crossbuy_settings', Crossbuy_Settings::sanitize( array() ) );
$order = new Fake_Order(
	array(
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
	array( '_crossbuy_marketing_consent' => 'yes' )
);
$GLOBALS['wp']['orders'][1001] = $order;
$GLOBALS['wp']['is_received']  = true;
$_GET['key']                   = 'wc_order_Ab12Cd34';

do_action( 'woocommerce_thankyou', 1001 );
do_action( 'wp_enqueue_scripts' );
// WordPress prints the enqueued version as ?ver=.
list( $src, , $ver ) = $GLOBALS['wp']['enqueued']['crossbuy'];
$src                 = $src . '?ver=' . $ver;
echo apply_filters( 'script_loader_tag', '<script src="' . esc_url( $src ) . '" id="crossbuy-js" async data-wp-strategy="async"></script>' . "\n", 'crossbuy', $src );
