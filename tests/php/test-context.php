<?php
/**
 * The context the plugin prints on the order-received and checkout pages, as the page shows it.
 */

test(
	'order-received page with marketing consent: the exact markup',
	function () {
		shop();
		$GLOBALS['wp']['order_counts'][7] = 3;
		$html = thank_you_page( order( array( 'customer_id' => 7 ), array( '_crossbuy_marketing_consent' => 'yes' ) ) );
		check(
			'page markup',
			$html,
			'<script type="application/json" id="crossbuy-context">'
			. '{"page":"thank_you","order_id":"1001","created_at":"2026-11-20T10:00:00Z","currency":"GBP","locale":"en-GB",'
			. '"email":"ada@example.com","accepts_marketing":true,"segment":"repeat",'
			. '"items":[{"product_id":"85","variant_id":"85","quantity":2,"price":295},'
			. '{"product_id":"40","variant_id":"41","quantity":1,"price":425}]}</script>' . "\n"
			. '<div id="crossbuy" class="crossbuy"></div>' . "\n"
		);
	}
);

test(
	'no recorded consent: no email, accepts_marketing false',
	function () {
		shop();
		$ctx = context_in( thank_you_page( order() ) );
		check( 'email', isset( $ctx['email'] ), false );
		check( 'accepts_marketing', $ctx['accepts_marketing'], false );
		check( 'items still there', count( $ctx['items'] ), 2 );

		$ctx = context_in( thank_you_page( order( array(), array( '_crossbuy_marketing_consent' => 'no' ) ) ) );
		check( 'a recorded "no"', array( isset( $ctx['email'] ), $ctx['accepts_marketing'] ), array( false, false ) );
	}
);

test(
	'consent recorded by the block checkout field or Mailchimp for WooCommerce',
	function () {
		shop();
		foreach ( array( '_wc_other/crossbuy/marketing-consent' => '1', 'mailchimp_woocommerce_is_subscribed' => '1' ) as $key => $value ) {
			$ctx = context_in( thank_you_page( order( array(), array( $key => $value ) ) ) );
			check( $key, array( $ctx['email'], $ctx['accepts_marketing'] ), array( 'ada@example.com', true ) );
		}
		$ctx = context_in( thank_you_page( order( array(), array( 'mailchimp_woocommerce_is_subscribed' => '0' ) ) ) );
		check( 'Mailchimp "0"', isset( $ctx['email'] ), false );

		add_filter(
			'crossbuy_marketing_consent_meta_keys',
			function ( $keys ) {
				$keys[] = '_other_plugin_optin';
				return $keys;
			}
		);
		$ctx = context_in( thank_you_page( order( array(), array( '_other_plugin_optin' => 'yes' ) ) ) );
		remove_all_filters( 'crossbuy_marketing_consent_meta_keys' );
		check( 'a key added by the filter', $ctx['email'], 'ada@example.com' );
	}
);

test(
	'a consenting buyer without a valid email gets no email field',
	function () {
		shop();
		$ctx = context_in( thank_you_page( order( array( 'email' => 'not-an-email' ), array( '_crossbuy_marketing_consent' => 'yes' ) ) ) );
		check( 'email', isset( $ctx['email'] ), false );
		check( 'consent stays', $ctx['accepts_marketing'], true );
	}
);

test(
	'text in the context cannot close the script element',
	function () {
		shop();
		add_filter(
			'crossbuy_context',
			function ( $ctx ) {
				$ctx['note'] = '</script><img src=x onerror=alert(1)>';
				return $ctx;
			}
		);
		$html = thank_you_page( order( array( 'email' => "o'hara&co@example.com" ), array( '_crossbuy_marketing_consent' => 'yes' ) ) );
		remove_all_filters( 'crossbuy_context' );
		check( 'one closing tag', substr_count( strtolower( $html ), '</script' ), 1 );
		check( 'no markup from the data', strpos( $html, '<img' ), false );
		check( 'the email is escaped', strpos( $html, '"email":"o\u0027hara\u0026co@example.com"' ) !== false, true );
		$ctx = context_in( $html );
		check( 'and reads back unchanged', array( $ctx['email'], $ctx['note'] ), array( "o'hara&co@example.com", '</script><img src=x onerror=alert(1)>' ) );
	}
);

test(
	'the order key must match, since the context can carry the email',
	function () {
		shop();
		$order = order( array(), array( '_crossbuy_marketing_consent' => 'yes' ) );
		check( 'wrong key', thank_you_page( $order, 'wc_order_guess' ), '' );
		check( 'empty key', thank_you_page( $order, '' ), '' );
		check( 'unknown order', output( function () { do_action( 'woocommerce_thankyou', 999 ); } ), '' );
	}
);

test(
	'nothing is printed without a catalog or without the plugin\'s own loader',
	function () {
		configure( array() );
		check( 'no catalog', thank_you_page( order() ), '' );
		shop();
		$loader = plugin_dir_path( CROSSBUY_PLUGIN_FILE ) . 'assets/crossbuy.js';
		$kept   = file_get_contents( $loader );
		unlink( $loader );
		try {
			check( 'no loader in the plugin', thank_you_page( order() ), '' );
		} finally {
			file_put_contents( $loader, $kept );
		}
		check( 'both', context_in( thank_you_page( order() ) ) !== null, true );
	}
);

test(
	'printed once even if the hook fires twice',
	function () {
		shop();
		$order = order();
		$html  = thank_you_page( $order ) . output( function () use ( $order ) { do_action( 'woocommerce_thankyou', $order->get_id() ); } );
		check( 'one context element', substr_count( $html, 'id="crossbuy-context"' ), 1 );
	}
);

test(
	'segments, tax-inclusive prices, yen, deleted products',
	function () {
		shop();
		$GLOBALS['wp']['order_counts'][8] = 1;
		$ctx = context_in( thank_you_page( order( array( 'customer_id' => 8 ) ) ) );
		check( 'first order of a registered customer', $ctx['segment'], 'new' );
		$ctx = context_in( thank_you_page( order() ) );
		check( 'guest: segment unknown', isset( $ctx['segment'] ), false );

		$GLOBALS['wp']['incl_tax'] = true;
		$ctx = context_in(
			thank_you_page(
				order( array( 'items' => array( array( 'product_id' => 5, 'quantity' => 2, 'subtotal' => '5.00', 'subtotal_tax' => '1.00' ) ) ) )
			)
		);
		check( 'prices entered with tax: subtotal plus tax per unit', $ctx['items'][0]['price'], 300 );
		$GLOBALS['wp']['incl_tax'] = false;

		$ctx = context_in(
			thank_you_page(
				order(
					array(
						'currency' => 'JPY',
						'items'    => array(
							array( 'product_id' => 5, 'quantity' => 2, 'subtotal' => '2400' ),
							array( 'product_id' => 0, 'quantity' => 1, 'subtotal' => '100' ),
							array( 'product_id' => 6, 'quantity' => 1, 'subtotal' => 'n/a' ),
						),
					)
				)
			)
		);
		check(
			'yen, a deleted product skipped, an unreadable amount without price',
			array( $ctx['currency'], $ctx['items'] ),
			array(
				'JPY',
				array(
					array( 'product_id' => '5', 'variant_id' => '5', 'quantity' => 2, 'price' => 1200 ),
					array( 'product_id' => '6', 'variant_id' => '6', 'quantity' => 1 ),
				),
			)
		);
	}
);

test(
	'locales',
	function () {
		foreach ( array( 'en_GB' => 'en-GB', 'de_DE_formal' => 'de-DE', 'ja' => 'ja', 'es_419' => 'es-419', 'fil' => 'fil', '' => null, 'EN' => null ) as $wp => $bcp ) {
			check( "'$wp'", Crossbuy_Context::locale( $wp ), $bcp );
		}
	}
);

test(
	'checkout page: the cart context in the footer, no email',
	function () {
		shop();
		$GLOBALS['wp']['is_checkout']  = true;
		$GLOBALS['wp']['user_id']      = 3;
		$GLOBALS['wp']['currency']     = 'EUR';
		$GLOBALS['wp']['locale']       = 'fr_FR';
		$GLOBALS['wp']['cart']         = new Fake_Cart(
			array(
				'a1' => array( 'product_id' => 85, 'variation_id' => 0, 'quantity' => 1, 'data' => new Fake_Product( '2.95' ) ),
				'b2' => array( 'product_id' => 40, 'variation_id' => 41, 'quantity' => 3, 'data' => new Fake_Product( '4.2' ) ),
				'c3' => array( 'product_id' => 50, 'variation_id' => 0, 'quantity' => 1, 'data' => new Fake_Product( '' ) ),
			)
		);
		$html = output( function () { do_action( 'wp_footer' ); } );
		check(
			'footer markup',
			$html,
			'<script type="application/json" id="crossbuy-context">{"page":"checkout","currency":"EUR","locale":"fr-FR","segment":"new",'
			. '"items":[{"product_id":"85","variant_id":"85","quantity":1,"price":295},{"product_id":"40","variant_id":"41","quantity":3,"price":420},'
			. '{"product_id":"50","variant_id":"50","quantity":1}]}</script>' . "\n"
		);

		$GLOBALS['wp']['is_checkout'] = false;
		check( 'not on other pages', output( function () { do_action( 'wp_footer' ); } ), '' );
		$GLOBALS['wp']['is_received'] = true;
		check( 'not from the cart on the order-received page', output( function () { do_action( 'wp_footer' ); } ), '' );
	}
);

test(
	'the widget container: classic checkout, block checkout, shortcode, custom target',
	function () {
		shop();
		$GLOBALS['wp']['is_checkout'] = true;
		$div                          = '<div id="crossbuy" class="crossbuy"></div>' . "\n";
		check( 'below the classic form', output( function () { do_action( 'woocommerce_after_checkout_form' ); } ), $div );
		check( 'after the checkout block', apply_filters( 'render_block_woocommerce/checkout', '<div class="wp-block-woocommerce-checkout"></div>' ), '<div class="wp-block-woocommerce-checkout"></div>' . $div );
		check( 'shortcode', call_user_func( $GLOBALS['wp']['shortcodes']['crossbuy'] ), $div );
		shop( array( 'target' => '.cart-footer' ) );
		check( 'custom target: the merchant places it', output( function () { do_action( 'woocommerce_after_checkout_form' ); } ), '' );
	}
);
