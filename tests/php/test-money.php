<?php
/**
 * WooCommerce decimal amounts become the integer minor units the context carries.
 */

test(
	'unit prices in minor units',
	function () {
		// [amounts, currency, quantity, expected minor units per unit]
		$cases = array(
			array( array( '12.99' ), 'GBP', 1, 1299 ),
			array( array( '25.98' ), 'GBP', 2, 1299 ),
			array( array( '10.00' ), 'USD', 3, 333 ),         // 3.333… rounds down
			array( array( '0.05' ), 'USD', 2, 3 ),            // 2.5 cents rounds half up
			array( array( '8.333333' ), 'EUR', 1, 833 ),      // an unrounded line subtotal
			array( array( '10.00', '2.00' ), 'GBP', 1, 1200 ),// subtotal plus its tax
			array( array( '10', '' ), 'GBP', 1, 1000 ),       // no tax stored on the line
			array( array( '1200' ), 'JPY', 1, 1200 ),         // yen have no minor unit
			array( array( '1200.00' ), 'jpy', 1, 1200 ),
			array( array( '1.234' ), 'KWD', 1, 1234 ),        // three-decimal dinar
			array( array( '12.99' ), 'XYZ', 1, 1299 ),        // unknown codes have 2 decimals
			array( array( 12.99 ), 'GBP', 1, 1299 ),          // a float from a filter, not 1298
			array( array( 0.1 + 0.2 ), 'USD', 1, 30 ),
			array( array( 7 ), 'USD', 1, 700 ),
			array( array( '.5' ), 'USD', 1, 50 ),
			array( array( '92233720368547758.07' ), 'USD', 1, null ), // does not fit
			array( array( '-3.00' ), 'GBP', 1, null ),        // never a negative price
			array( array( '12,99' ), 'EUR', 1, null ),
			array( array( '1e3' ), 'GBP', 1, null ),
			array( array( 'abc' ), 'GBP', 1, null ),
			array( array( '.' ), 'GBP', 1, null ),
			array( array( '12.99' ), 'GBP', 0, null ),        // no quantity, no unit price
		);
		foreach ( $cases as $c ) {
			list( $amounts, $currency, $quantity, $expected ) = $c;
			$got = Crossbuy_Money::minor_units( $amounts, Crossbuy_Money::exponent( $currency ), $quantity );
			check( var_export( $amounts, true ) . " $currency / $quantity", $got, $expected );
		}
	}
);
