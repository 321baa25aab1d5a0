<?php
/**
 * A stand-in WordPress site for the end-to-end test of the WooCommerce plugin's admin page:
 * PHP's built-in server with this file as its router runs the plugin's own code (the plugin
 * folder as its zip installs it, with the build's assets) on the tests' stand-ins for WordPress
 * (tests/php/stubs.php), keeping the site's options between requests in a JSON file.
 *
 *     CROSSBUY_SITE=/tmp/site php -S 127.0.0.1:PORT tests/php/wordpress.php
 *
 * Pages (a shop manager is signed in on /wp-admin, a guest on the storefront):
 *   GET  /wp-admin/admin.php?page=crossbuy       WooCommerce > crossbuy
 *   POST /wp-admin/admin-post.php                 the upload form (action crossbuy_save_catalog)
 *   GET  /checkout/order-received/1001/?key=K     the order-received page of order 1001
 *   GET  /wp-content/plugins/crossbuy/…           the plugin's files (its assets)
 *   GET  /wp-content/uploads/…                    the site's uploads (the saved catalog)
 * It is not WordPress: no database, no themes, no other plugin; WooCommerce is the stand-in's.
 */

require __DIR__ . '/stubs.php';

$site = getenv( 'CROSSBUY_SITE' );
if ( ! $site ) {
	http_response_code( 500 );
	exit( 'CROSSBUY_SITE is not set' );
}
$plugin_dir = dirname( __DIR__, 2 ) . '/integrations/woocommerce/crossbuy';
$path       = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );

/** Sends a file with its type, or 404. */
function send_file( $file ) {
	$types = array( 'js' => 'text/javascript; charset=utf-8', 'wasm' => 'application/wasm', 'json' => 'application/json; charset=utf-8' );
	if ( ! is_file( $file ) ) {
		http_response_code( 404 );
		exit( 'not found' );
	}
	$ext = pathinfo( $file, PATHINFO_EXTENSION );
	header( 'Content-Type: ' . ( isset( $types[ $ext ] ) ? $types[ $ext ] : 'application/octet-stream' ) );
	header( 'Cache-Control: no-store' );
	readfile( $file );
	exit;
}

if ( preg_match( '#^/wp-content/plugins/crossbuy/(assets/[A-Za-z0-9_./-]+)$#', $path, $m ) && false === strpos( $m[1], '..' ) ) {
	send_file( "$plugin_dir/{$m[1]}" );
}
if ( preg_match( '#^/wp-content/uploads/([A-Za-z0-9_./-]+)$#', $path, $m ) && false === strpos( $m[1], '..' ) ) {
	send_file( "$site/uploads/{$m[1]}" );
}

// The site: the plugin loaded as WordPress loads it, its options kept in the site folder.
$request = array( $_GET, $_POST, $_FILES );
wp_reset();
list( $_GET, $_POST, $_FILES ) = $request;
$state = is_file( "$site/options.json" ) ? json_decode( file_get_contents( "$site/options.json" ), true ) : array();
$GLOBALS['wp']['options']     = isset( $state['options'] ) ? $state['options'] : array();
$GLOBALS['wp']['transients']  = isset( $state['transients'] ) ? $state['transients'] : array();
$GLOBALS['wp']['uploads_dir'] = "$site/uploads";
$GLOBALS['wp']['uploads_url'] = '/wp-content/uploads';
$GLOBALS['wp']['plugins_url'] = '/wp-content/plugins';
$GLOBALS['wp']['home']        = '';
@mkdir( "$site/uploads", 0777, true );
define( 'CROSSBUY_TEST_SITE', $site );
require "$plugin_dir/crossbuy.php";
register_shutdown_function(
	function () use ( $site ) {
		file_put_contents( "$site/options.json", wp_json_encode( array( 'options' => $GLOBALS['wp']['options'], 'transients' => $GLOBALS['wp']['transients'] ) ) );
	}
);

/** A page of the stand-in site. */
function page( $title, $body ) {
	header( 'Content-Type: text/html; charset=utf-8' );
	echo "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>" . esc_html( $title ) . "</title></head>\n<body>\n" . $body . "\n</body></html>\n";
}

try {
	if ( 0 === strpos( $path, '/wp-admin/' ) ) {
		$GLOBALS['wp']['user_id'] = 1;
		$GLOBALS['wp']['caps']    = array( 'manage_woocommerce' );
		do_action( 'admin_init' );
		do_action( 'admin_menu' );
		if ( '/wp-admin/admin.php' === $path && isset( $_GET['page'] ) && 'crossbuy' === $_GET['page'] ) {
			$page = $GLOBALS['wp']['menu']['woocommerce']['crossbuy'];
			if ( ! current_user_can( $page[2] ) ) {
				http_response_code( 403 );
				exit;
			}
			page( 'crossbuy ‹ WooCommerce', output( $page[3] ) );
		} elseif ( '/wp-admin/admin-post.php' === $path && 'POST' === $_SERVER['REQUEST_METHOD'] ) {
			$_REQUEST = $_POST + $_GET;
			do_action( 'admin_post_' . ( isset( $_REQUEST['action'] ) ? $_REQUEST['action'] : '' ) );
		} else {
			http_response_code( 404 );
		}
	} elseif ( preg_match( '#^/checkout/order-received/(\d+)/?$#', $path, $m ) ) {
		$GLOBALS['wp']['is_received'] = true;
		$GLOBALS['wp']['orders'][1001] = new Fake_Order(
			array(
				'id'       => 1001,
				'key'      => 'wc_order_Ab12Cd34',
				'currency' => 'GBP',
				'email'    => 'ada@example.com',
				'created'  => '2026-11-20T11:00:00+01:00',
				'items'    => array(
					array( 'product_id' => 85, 'quantity' => 2, 'subtotal' => '5.90' ),
					array( 'product_id' => 40, 'variation_id' => 41, 'quantity' => 1, 'subtotal' => '4.25' ),
				),
			)
		);
		$_GET['key'] = isset( $_GET['key'] ) ? $_GET['key'] : '';
		$body        = '<h1>Order received</h1>' . output(
			function () use ( $m ) {
				do_action( 'woocommerce_thankyou', (int) $m[1] );
			}
		);
		do_action( 'wp_enqueue_scripts' );
		if ( isset( $GLOBALS['wp']['enqueued']['crossbuy'] ) ) {
			list( $src, , $ver ) = $GLOBALS['wp']['enqueued']['crossbuy'];
			$src                 = $src . '?ver=' . $ver;
			$body               .= apply_filters( 'script_loader_tag', '<script src="' . esc_url( $src ) . '" id="crossbuy-js" async data-wp-strategy="async"></script>', 'crossbuy', $src );
		}
		page( 'Order received', $body );
	} else {
		http_response_code( 404 );
	}
} catch ( Fake_Redirect $r ) {
	header( 'Location: ' . $r->location, true, 302 );
} catch ( Fake_Die $d ) {
	http_response_code( $d->status );
	echo esc_html( $d->getMessage() );
}

/** What $fn prints. */
function output( callable $fn ) {
	ob_start();
	$fn();
	return ob_get_clean();
}
