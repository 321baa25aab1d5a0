<?php
/**
 * The admin page (WooCommerce > crossbuy) and the saved catalog: who sees and saves, what is
 * refused and why, that every value printed is escaped, and the privacy policy text.
 */

/** A snapshot as crossbuy snapshot writes it, with a shop name that looks like markup. */
function snapshot_json( $name = 'Tea & Tin <script>alert(1)</script>' ) {
	return wp_json_encode(
		array(
			'version'  => 1,
			'shop'     => array( 'name' => $name, 'currency' => 'GBP' ),
			'products' => array(
				array( 'id' => '101', 'variant_ids' => array( '102' ), 'title' => 'Classic Mug', 'price' => 899 ),
				array( 'id' => '110', 'variant_ids' => array( '110' ), 'title' => 'Earl Grey Tea', 'price' => 450 ),
			),
		)
	);
}

test(
	'the page is in the WooCommerce menu for managers, and its settings save with that capability',
	function () {
		do_action( 'admin_menu' );
		$page = $GLOBALS['wp']['menu']['woocommerce']['crossbuy'];
		check( 'capability', $page[2], 'manage_woocommerce' );
		check( 'no Settings > crossbuy page', isset( $GLOBALS['wp']['pages'] ), false );
		check( 'options.php asks for', apply_filters( 'option_page_capability_crossbuy', 'manage_options' ), 'manage_woocommerce' );
		$GLOBALS['wp']['caps'] = array( 'manage_options' );
		check( 'an administrator without manage_woocommerce sees nothing', output( array( 'Crossbuy_Admin', 'render' ) ), '' );
		check( 'Plugins screen link', apply_filters( 'plugin_action_links_crossbuy/crossbuy.php', array() ), array( '<a href="https://shop.example/wp-admin/admin.php?page=crossbuy">Settings</a>' ) );
	}
);

test(
	'the page: the saved catalog described and escaped, the upload form, the console mount, the history',
	function () {
		do_action( 'admin_init' );
		$GLOBALS['wp']['user_id'] = 1;
		$html                     = output( array( 'Crossbuy_Admin', 'render' ) );
		check( 'nothing saved yet', strpos( $html, 'No catalog is saved yet.' ) !== false, true );

		$json = snapshot_json();
		Crossbuy_Catalog::save( $json );
		$html = output( array( 'Crossbuy_Admin', 'render' ) );
		check( 'no script from the catalog', strpos( $html, '<script>' ), false );
		check( 'the shop name as text', strpos( $html, '<p>Built for: Tea &amp; Tin &lt;script&gt;alert(1)&lt;/script&gt;</p>' ) !== false, true );
		check( 'what is saved', preg_match( '#<p>Saved catalog: 2 products, \d+ B, saved [^<]+\.</p>#', $html ), 1 );
		check(
			'upload form',
			strpos( $html, '<form method="post" enctype="multipart/form-data" action="https://shop.example/wp-admin/admin-post.php"><input type="hidden" name="action" value="crossbuy_save_catalog"><input type="hidden" id="_wpnonce" name="_wpnonce" value="' . wp_create_nonce( 'crossbuy_save_catalog' ) . '" />' ) !== false,
			true
		);
		check( 'file input', strpos( $html, '<input type="file" id="crossbuy-catalog-file" name="catalog" accept=".json,application/json" required>' ) !== false, true );
		check(
			'console mount',
			strpos( $html, '<div id="crossbuy-console" hidden data-orders="https://shop.example/wp-json/crossbuy/v1/orders" data-products="https://shop.example/wp-json/wc/store/v1/products" data-catalog="https://shop.example/wp-json/crossbuy/v1/catalog" data-nonce="' . wp_create_nonce( 'wp_rest' ) . '"></div>' ) !== false,
			true
		);
		check( 'download link, its & escaped', strpos( $html, 'href="https://shop.example/wp-admin/admin-post.php?action=crossbuy_order_history&#038;_wpnonce=' . wp_create_nonce( 'crossbuy_order_history' ) . '"' ) !== false, true );
		check( 'no missing-assets notice', strpos( $html, 'assets folder' ), false );
	}
);

test(
	'the console is enqueued on this page only, from the plugin\'s own files, as a script module',
	function () {
		$GLOBALS['wp']['modules'] = array();
		$GLOBALS['wp']['styles']  = array();
		do_action( 'admin_enqueue_scripts', 'index.php' );
		check( 'not on other pages', $GLOBALS['wp']['modules'], array() );
		do_action( 'admin_enqueue_scripts', 'woocommerce_page_crossbuy' );
		check( 'module', $GLOBALS['wp']['modules']['crossbuy-console'][0], plugins_url( 'js/crossbuy-admin.js', CROSSBUY_PLUGIN_FILE ) );
		check( 'style', $GLOBALS['wp']['styles']['crossbuy-console'][0], plugins_url( 'assets/console/console.css', CROSSBUY_PLUGIN_FILE ) );
	}
);

test(
	'an upload\'s outcome: success, or the reason, escaped',
	function () {
		$GLOBALS['wp']['user_id'] = 1;
		$_GET['crossbuy_catalog'] = 'saved';
		check( 'saved', strpos( output( array( 'Crossbuy_Admin', 'render' ) ), 'The catalog is saved: the storefront uses it now.' ) !== false, true );
		$_GET['crossbuy_catalog'] = 'error';
		set_transient( Crossbuy_Catalog::notice_key(), 'The file is not JSON (<b>x</b>).', 60 );
		$html = output( array( 'Crossbuy_Admin', 'render' ) );
		check( 'reason', strpos( $html, '<p>The catalog was not saved: The file is not JSON (&lt;b&gt;x&lt;/b&gt;).</p>' ) !== false, true );
		check( 'shown once', get_transient( Crossbuy_Catalog::notice_key() ), false );
	}
);

test(
	'without its assets the page says so, and the storefront prints nothing',
	function () {
		$loader = plugin_dir_path( CROSSBUY_PLUGIN_FILE ) . 'assets/pkg/crossbuy_bg.wasm';
		rename( $loader, $loader . '.away' );
		try {
			$html = output( array( 'Crossbuy_Admin', 'render' ) );
			check( 'notice', strpos( $html, 'The plugin&#039;s own files (its assets folder) are missing' ) !== false, true );
			check( 'no loader', Crossbuy_Settings::loader_url(), '' );
		} finally {
			rename( $loader . '.away', $loader );
		}
	}
);

test(
	'what is saved is checked, and a refusal says why',
	function () {
		foreach ( array(
			''                                 => 'The file is empty.',
			'{"version":1,"products":'         => 'The file is not JSON (Syntax error). Upload the catalog.json that crossbuy snapshot wrote.',
			'{"products":[{"id":"1"}]}'        => 'The file is not a crossbuy catalog (version 1 with products). Upload the catalog.json that crossbuy snapshot wrote.',
			'{"version":2,"products":[]}'      => 'The file is not a crossbuy catalog (version 1 with products). Upload the catalog.json that crossbuy snapshot wrote.',
			'{"version":1,"products":[]}'      => 'The catalog has no products.',
			'[1,2,3]'                          => 'The file is not a crossbuy catalog (version 1 with products). Upload the catalog.json that crossbuy snapshot wrote.',
		) as $json => $reason ) {
			$saved = Crossbuy_Catalog::save( $json );
			check( 'refused: ' . substr( $json, 0, 30 ), is_wp_error( $saved ) ? $saved->get_error_message() : 'saved', $reason );
		}
		check( 'nothing was written', file_exists( $GLOBALS['wp']['uploads_dir'] . '/crossbuy/catalog.json' ), false );
		check( 'no option', Crossbuy_Catalog::saved(), null );
		$big = Crossbuy_Catalog::save( str_repeat( ' ', Crossbuy_Catalog::MAX_BYTES + 1 ) );
		check( 'too large', $big->get_error_message(), 'The file is 64.0 MB; a catalog may be at most 64 MB.' );

		$json  = snapshot_json( 'Tea & Tin' );
		$saved = Crossbuy_Catalog::save( $json );
		check( 'saved', array( $saved['products'], $saved['shop'], $saved['bytes'], $saved['hash'] ), array( 2, 'Tea & Tin', strlen( $json ), hash( 'sha256', $json ) ) );
		check( 'no temporary file left', glob( $GLOBALS['wp']['uploads_dir'] . '/crossbuy/*.tmp' ), array() );
		Crossbuy_Catalog::save( '{"version":1,"products":[]}' );
		check( 'a refused file keeps the saved one', file_get_contents( $GLOBALS['wp']['uploads_dir'] . '/crossbuy/catalog.json' ), $json );
	}
);

test(
	'the upload form\'s handler: managers, with the form\'s nonce, back to the page',
	function () {
		$GLOBALS['wp']['user_id']           = 1;
		$_REQUEST['_wpnonce']               = wp_create_nonce( 'crossbuy_save_catalog' );
		$GLOBALS['wp']['caps']              = array( 'manage_options' );
		try {
			Crossbuy_Catalog::upload();
			check( 'a non-manager is stopped', 'saved', 'stopped' );
		} catch ( Fake_Die $e ) {
			check( 'a non-manager is stopped', $e->status, 403 );
		}
		$GLOBALS['wp']['caps'] = array( 'manage_woocommerce' );
		$_REQUEST['_wpnonce']  = 'forged';
		try {
			Crossbuy_Catalog::upload();
			check( 'a forged form is stopped', 'saved', 'stopped' );
		} catch ( Fake_Die $e ) {
			check( 'a forged form is stopped', $e->status, 403 );
		}
		$_REQUEST['_wpnonce'] = wp_create_nonce( 'crossbuy_save_catalog' );
		// A file that did not come through this request's upload is not read.
		$path            = $GLOBALS['wp']['uploads_dir'] . '/not-uploaded.json';
		file_put_contents( $path, snapshot_json() );
		$_FILES['catalog'] = array( 'name' => 'catalog.json', 'tmp_name' => $path, 'error' => UPLOAD_ERR_OK, 'size' => filesize( $path ) );
		try {
			Crossbuy_Catalog::upload();
			check( 'back to the page', 'stayed', 'redirected' );
		} catch ( Fake_Redirect $r ) {
			check( 'back to the page', $r->location, 'https://shop.example/wp-admin/admin.php?page=crossbuy&crossbuy_catalog=error' );
		}
		check( 'why', get_transient( Crossbuy_Catalog::notice_key() ), 'No file was uploaded: choose the catalog.json that crossbuy snapshot wrote.' );
		check( 'nothing saved', Crossbuy_Catalog::saved(), null );
	}
);

test(
	'the console saves through the REST API, as a manager with the nonce',
	function () {
		$json                     = snapshot_json( 'Tea & Tin' );
		$GLOBALS['wp']['user_id'] = 1;
		$GLOBALS['wp']['caps']    = array();
		check( 'not a manager', rest_dispatch( 'POST', '/crossbuy/v1/catalog', array(), array( 'X-WP-Nonce' => wp_create_nonce( 'wp_rest' ) ), $json )->get_status(), 403 );
		$GLOBALS['wp']['caps'] = array( 'manage_woocommerce' );
		check( 'no nonce', rest_dispatch( 'POST', '/crossbuy/v1/catalog', array(), array(), $json )->get_status(), 403 );
		$bad = rest_dispatch( 'POST', '/crossbuy/v1/catalog', array(), array( 'X-WP-Nonce' => wp_create_nonce( 'wp_rest' ) ), '{"version":1}' );
		check( 'a bad catalog', array( $bad->get_status(), $bad->get_data()['code'] ), array( 400, 'crossbuy_catalog_not_snapshot' ) );
		$ok = rest_dispatch( 'POST', '/crossbuy/v1/catalog', array(), array( 'X-WP-Nonce' => wp_create_nonce( 'wp_rest' ) ), $json );
		check( 'saved', array( $ok->get_status(), $ok->get_data()['products'] ), array( 200, 2 ) );
		check( 'the storefront uses it', Crossbuy_Settings::catalog_url(), 'https://shop.example/wp-content/uploads/crossbuy/catalog.json?v=' . substr( hash( 'sha256', $json ), 0, 12 ) );
	}
);

test(
	'the privacy policy text is offered to the site',
	function () {
		do_action( 'admin_init' );
		$text = $GLOBALS['wp']['privacy']['crossbuy'];
		check( 'Klaviyo\'s policy named', strpos( $text, 'https://www.klaviyo.com/legal/privacy/privacy-notice' ) !== false, true );
		check( 'nothing before the box is ticked', strpos( $text, 'Nothing is sent before you tick the box.' ) !== false, true );
		check( 'the order history key', strpos( $text, 'a key in place of each customer\'s email address' ) !== false, true );
	}
);
