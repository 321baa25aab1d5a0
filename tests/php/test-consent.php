<?php
/**
 * crossbuy's optional consent checkbox, from the checkout form to the thank-you context.
 */

test(
	'off by default: no checkbox, nothing saved',
	function () {
		shop();
		check( 'classic checkout', output( function () { do_action( 'woocommerce_review_order_before_submit' ); } ), '' );
		do_action( 'woocommerce_init' );
		check( 'block checkout', isset( $GLOBALS['wp']['checkout_fields'] ), false );
		$order          = order();
		$_POST['crossbuy_marketing_consent'] = '1';
		do_action( 'woocommerce_checkout_create_order', $order, array() );
		check( 'meta', $order->meta, array() );
	}
);

test(
	'on: the classic checkbox is unticked and its answer reaches the thank-you page',
	function () {
		shop( array( 'consent_checkbox' => '1', 'consent_label' => 'Email me about my order' ) );
		check(
			'classic checkout',
			output( function () { do_action( 'woocommerce_review_order_before_submit' ); } ),
			'<p class="form-row form-row-wide crossbuy-consent"><label><input type="checkbox" name="crossbuy_marketing_consent" value="1"> Email me about my order</label></p>'
		);

		$yes                                 = order();
		$_POST['crossbuy_marketing_consent'] = '1';
		do_action( 'woocommerce_checkout_create_order', $yes, array() );
		check( 'ticked', $yes->meta, array( '_crossbuy_marketing_consent' => 'yes' ) );
		$ctx = context_in( thank_you_page( $yes ) );
		check( 'thank-you context', array( $ctx['email'], $ctx['accepts_marketing'] ), array( 'ada@example.com', true ) );

		$no    = order( array( 'id' => 1002 ) );
		$_POST = array();
		do_action( 'woocommerce_checkout_create_order', $no, array() );
		check( 'unticked', $no->meta, array( '_crossbuy_marketing_consent' => 'no' ) );
	}
);

test(
	'on: the block checkout gets the field through the additional fields API',
	function () {
		shop( array( 'consent_checkbox' => '1' ) );
		do_action( 'woocommerce_init' );
		check(
			'registered field',
			$GLOBALS['wp']['checkout_fields'],
			array(
				array(
					'id'       => 'crossbuy/marketing-consent',
					'label'    => 'Email me tips and offers for my order',
					'location' => 'order',
					'type'     => 'checkbox',
					'required' => false,
				),
			)
		);
	}
);
