<?php
/**
 * The loader's script tag: where it is enqueued, and the attributes the widget reads.
 */

test(
	'the plugin\'s own loader, enqueued async in the footer on checkout and order-received pages only',
	function () {
		shop();
		$expected = array( 'https://shop.example/wp-content/plugins/crossbuy/assets/crossbuy.js', array(), '0.1.0', array( 'in_footer' => true, 'strategy' => 'async' ) );
		do_action( 'wp_enqueue_scripts' );
		check( 'another page', $GLOBALS['wp']['enqueued'], array() );

		$GLOBALS['wp']['is_checkout'] = true;
		do_action( 'wp_enqueue_scripts' );
		check( 'checkout', $GLOBALS['wp']['enqueued'], array( 'crossbuy' => $expected ) );

		$GLOBALS['wp']['enqueued']    = array();
		$GLOBALS['wp']['is_checkout'] = false;
		$GLOBALS['wp']['is_received'] = true;
		do_action( 'wp_enqueue_scripts' );
		check( 'order received', $GLOBALS['wp']['enqueued'], array( 'crossbuy' => $expected ) );

		$GLOBALS['wp']['enqueued'] = array();
		configure( array() );
		do_action( 'wp_enqueue_scripts' );
		check( 'no catalog yet: nothing', $GLOBALS['wp']['enqueued'], array() );
	}
);

test(
	'the catalog saved on the admin page is the one the storefront uses, unless a URL is set',
	function () {
		configure( array() );
		check( 'none saved', Crossbuy_Settings::catalog_url(), '' );
		$json  = '{"version":1,"shop":{"name":"Tea & Tin","currency":"GBP"},"products":[{"id":"101"}]}';
		$saved = Crossbuy_Catalog::save( $json );
		$url   = 'https://shop.example/wp-content/uploads/crossbuy/catalog.json?v=' . substr( hash( 'sha256', $json ), 0, 12 );
		check( 'saved', Crossbuy_Settings::catalog_url(), $url );
		check( 'the attribute', Crossbuy_Frontend::attributes()['data-catalog'], $url );
		check( 'the file', file_get_contents( $GLOBALS['wp']['uploads_dir'] . '/crossbuy/catalog.json' ), $json );
		configure( array( 'catalog_url' => 'https://cdn.example/mine.json' ) );
		check( 'a URL set wins', Crossbuy_Settings::catalog_url(), 'https://cdn.example/mine.json' );
		check( 'the saved one is kept', $saved['products'], 1 );
	}
);

test(
	'the script tag carries the catalog, target, cart kind, Store API endpoint and nonce',
	function () {
		shop();
		$src   = 'https://shop.example/wp-content/plugins/crossbuy/assets/crossbuy.js?ver=0.1.0';
		$nonce = wp_create_nonce( 'wc_store_api' );
		$attrs = 'data-catalog="https://cdn.example/crossbuy/catalog.json" data-target="#crossbuy" data-cart="woocommerce"'
			. ' data-cart-endpoint="https://shop.example/wp-json/wc/store/v1/cart/add-item" data-cart-nonce="' . $nonce . '"';

		// WordPress 6.3 and later print the strategy themselves.
		$tag = '<script src="' . $src . '" id="crossbuy-js" async data-wp-strategy="async"></script>' . "\n";
		check( 'WordPress 6.3+', apply_filters( 'script_loader_tag', $tag, 'crossbuy', $src ), '<script ' . $attrs . ' src="' . $src . '" id="crossbuy-js" async data-wp-strategy="async"></script>' . "\n" );

		// Older WordPress ignores the strategy: crossbuy adds async itself.
		$tag = "<script type='text/javascript' src='$src' id='crossbuy-js'></script>\n";
		check( 'WordPress 6.2', apply_filters( 'script_loader_tag', $tag, 'crossbuy', $src ), '<script ' . $attrs . " async type='text/javascript' src='$src' id='crossbuy-js'></script>\n" );

		// An inline script printed before the handle is left alone.
		$tag = "<script id=\"crossbuy-js-before\">window.x = 1;</script>\n<script src=\"$src\" id=\"crossbuy-js\" async></script>\n";
		check( 'inline script before', apply_filters( 'script_loader_tag', $tag, 'crossbuy', $src ), "<script id=\"crossbuy-js-before\">window.x = 1;</script>\n<script " . $attrs . " src=\"$src\" id=\"crossbuy-js\" async></script>\n" );

		$other = '<script src="https://shop.example/theme.js" id="theme-js"></script>';
		check( 'other handles untouched', apply_filters( 'script_loader_tag', $other, 'theme', 'https://shop.example/theme.js' ), $other );
	}
);

test(
	'signal destination attributes, escaped',
	function () {
		shop( array( 'signal_kind' => 'klaviyo', 'klaviyo_public_key' => 'AbC123', 'klaviyo_list_id' => 'XyZ789' ) );
		$a = Crossbuy_Frontend::attributes();
		check( 'klaviyo', array( $a['data-signals'], $a['data-klaviyo-key'], $a['data-klaviyo-list'], isset( $a['data-signals-url'] ) ), array( 'klaviyo', 'AbC123', 'XyZ789', false ) );

		shop( array( 'signal_kind' => 'klaviyo', 'klaviyo_public_key' => 'AbC123' ) );
		check( 'klaviyo without a list', array_key_exists( 'data-klaviyo-list', Crossbuy_Frontend::attributes() ), false );

		shop( array( 'signal_kind' => 'webhook', 'webhook_url' => 'https://hooks.example/crossbuy?shop=a&b="c"' ) );
		$tag = apply_filters( 'script_loader_tag', '<script src="x.js" id="crossbuy-js" async></script>', 'crossbuy', 'x.js' );
		check( 'webhook', preg_match( '/ data-signals="webhook" data-signals-url="([^"]*)"/', $tag, $m ) ? $m[1] : null, 'https://hooks.example/crossbuy?shop=a&amp;b=c' );

		shop( array( 'signal_kind' => 'none' ) );
		check( 'none', isset( Crossbuy_Frontend::attributes()['data-signals'] ), false );
	}
);
