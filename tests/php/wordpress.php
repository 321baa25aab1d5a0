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
 *   GET  /wp-json/crossbuy/v1/orders              the plugin's order history (its own code)
 *   POST /wp-json/crossbuy/v1/catalog             the plugin's catalog endpoint (its own code)
 *   GET  /wp-json/wc/store/v1/products            WooCommerce's Store API, a stand-in: the
 *                                                 products of www/platforms/catalog.json
 * The shop's orders (for the order history) are made up here: baskets of those products.
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
	$types = array( 'js' => 'text/javascript; charset=utf-8', 'wasm' => 'application/wasm', 'json' => 'application/json; charset=utf-8', 'css' => 'text/css; charset=utf-8' );
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

if ( preg_match( '#^/wp-content/plugins/crossbuy/((?:assets|js)/[A-Za-z0-9_./-]+)$#', $path, $m ) && false === strpos( $m[1], '..' ) ) {
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

/** The shop's products, as WooCommerce's Store API lists them (from the demo's platform catalog). */
function store_api_products() {
	$catalog = json_decode( file_get_contents( dirname( __DIR__, 2 ) . '/www/platforms/catalog.json' ), true );
	$out     = array();
	foreach ( $catalog['products'] as $p ) {
		$variations = array_values( array_filter( $p['variant_ids'], function ( $v ) use ( $p ) { return $v !== $p['id']; } ) );
		$out[]      = array(
			'id'             => (int) $p['id'],
			'name'           => $p['title'],
			'parent'         => 0,
			'type'           => $variations ? 'variable' : 'simple',
			'permalink'      => 'http://' . $_SERVER['HTTP_HOST'] . $p['url'],
			'sku'            => '',
			'prices'         => array( 'price' => (string) $p['price'], 'regular_price' => (string) ( isset( $p['compare_at_price'] ) ? $p['compare_at_price'] : $p['price'] ), 'currency_code' => 'GBP', 'currency_minor_unit' => 2 ),
			'images'         => isset( $p['image'] ) ? array( array( 'src' => 'http://' . $_SERVER['HTTP_HOST'] . $p['image'] ) ) : array(),
			'categories'     => array(),
			'tags'           => array(),
			'variations'     => array_map( function ( $v ) { return array( 'id' => (int) $v, 'attributes' => array() ); }, $variations ),
			'is_purchasable' => true,
			'is_in_stock'    => true,
		);
	}
	return $out;
}

/** The shop's orders: 48 made-up baskets of those products, a day apart, by 12 customers. */
function seed_orders() {
	$baskets = array(
		array( 85, array( 40, 41 ), 71 ),
		array( 85, 72 ),
		array( 85, array( 40, 42 ), 73 ),
		array( 71, 74, 75 ),
		array( 85, 71 ),
		array( 72, 73, 74 ),
	);
	for ( $i = 0; $i < 48; $i++ ) {
		$items = array();
		foreach ( $baskets[ $i % count( $baskets ) ] as $n => $item ) {
			list( $product, $variation ) = is_array( $item ) ? $item : array( $item, 0 );
			$items[] = array( 'id' => $i * 10 + $n, 'product_id' => $product, 'variation_id' => $variation, 'quantity' => 1, 'subtotal' => '4.25', 'name' => "Product $product" );
		}
		$GLOBALS['wp']['orders'][ 2000 + $i ] = new Fake_Order(
			array(
				'id'       => 2000 + $i,
				'key'      => "wc_order_$i",
				'currency' => 'GBP',
				'email'    => 'customer' . ( $i % 12 ) . '@example.com',
				'created'  => gmdate( 'Y-m-d\TH:i:s+00:00', 1760000000 + $i * 86400 ),
				'items'    => $items,
			)
		);
	}
}

try {
	if ( 0 === strpos( $path, '/wp-json/wc/store/v1/products' ) ) {
		$per_page = isset( $_GET['per_page'] ) ? max( 1, min( 100, (int) $_GET['per_page'] ) ) : 10;
		$page_no  = isset( $_GET['page'] ) ? max( 1, (int) $_GET['page'] ) : 1;
		$all      = store_api_products();
		header( 'Content-Type: application/json; charset=utf-8' );
		header( 'X-WP-Total: ' . count( $all ) );
		header( 'X-WP-TotalPages: ' . (int) ceil( count( $all ) / $per_page ) );
		echo wp_json_encode( array_slice( $all, ( $page_no - 1 ) * $per_page, $per_page ) );
		exit;
	}
	if ( 0 === strpos( $path, '/wp-json/' ) ) {
		// The shop manager's browser, signed in (its cookie); the plugin checks the nonce.
		$GLOBALS['wp']['user_id'] = 1;
		$GLOBALS['wp']['caps']    = array( 'manage_woocommerce' );
		seed_orders();
		$headers = array();
		foreach ( $_SERVER as $key => $value ) {
			if ( 0 === strpos( $key, 'HTTP_' ) ) {
				$headers[ str_replace( '_', '-', strtolower( substr( $key, 5 ) ) ) ] = $value;
			}
		}
		$response = rest_dispatch( $_SERVER['REQUEST_METHOD'], substr( $path, strlen( '/wp-json' ) ), $_GET, $headers, file_get_contents( 'php://input' ) );
		http_response_code( $response->get_status() );
		header( 'Content-Type: application/json; charset=utf-8' );
		foreach ( $response->get_headers() as $key => $value ) {
			header( "$key: $value" );
		}
		echo wp_json_encode( $response->get_data() );
		exit;
	}
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
			do_action( 'admin_enqueue_scripts', 'woocommerce_page_crossbuy' );
			$body = output( $page[3] );
			// What WordPress prints in the admin's head and footer for the enqueued styles and modules.
			foreach ( isset( $GLOBALS['wp']['styles'] ) ? $GLOBALS['wp']['styles'] : array() as $handle => $style ) {
				$body = '<link rel="stylesheet" id="' . esc_attr( $handle ) . '-css" href="' . esc_url( $style[0] . '?ver=' . $style[2] ) . '">' . "\n" . $body;
			}
			foreach ( isset( $GLOBALS['wp']['modules'] ) ? $GLOBALS['wp']['modules'] : array() as $id => $module ) {
				$body .= "\n" . '<script type="module" src="' . esc_url( $module[0] . '?ver=' . $module[2] ) . '" id="' . esc_attr( $id ) . '-js-module"></script>';
			}
			page( 'crossbuy ‹ WooCommerce', $body );
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
