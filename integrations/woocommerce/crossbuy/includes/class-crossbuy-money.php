<?php
/**
 * Money: WooCommerce's decimal strings to integer minor units, exactly.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * Converts WooCommerce amounts (decimal strings such as "12.99", stored unrounded as
 * "8.333333" on some lines) to integer minor units of a currency, with integer arithmetic
 * only: no float ever touches a price on the way to the page context.
 */
final class Crossbuy_Money {

	/**
	 * ISO 4217 exponents that are not 2 (the same table as crossbuy's engine, money.rs).
	 *
	 * WooCommerce's "Number of decimals" setting (wc_get_price_decimals()) is a display
	 * choice: a GBP shop may show whole pounds, yet the context's prices are pence.
	 */
	const EXPONENTS = array(
		'BIF' => 0,
		'CLP' => 0,
		'DJF' => 0,
		'GNF' => 0,
		'ISK' => 0,
		'JPY' => 0,
		'KMF' => 0,
		'KRW' => 0,
		'PYG' => 0,
		'RWF' => 0,
		'UGX' => 0,
		'UYI' => 0,
		'VND' => 0,
		'VUV' => 0,
		'XAF' => 0,
		'XOF' => 0,
		'XPF' => 0,
		'BHD' => 3,
		'IQD' => 3,
		'JOD' => 3,
		'KWD' => 3,
		'LYD' => 3,
		'OMR' => 3,
		'TND' => 3,
		'CLF' => 4,
		'UYW' => 4,
	);

	/** Fraction digits kept from an amount; beyond this a decimal is a float's artefact. */
	const MAX_SCALE = 12;

	/**
	 * Digits after the decimal point of a currency's minor unit.
	 *
	 * @param string $currency ISO 4217 code, any case.
	 * @return int
	 */
	public static function exponent( $currency ) {
		$code = strtoupper( trim( (string) $currency ) );
		return isset( self::EXPONENTS[ $code ] ) ? self::EXPONENTS[ $code ] : 2;
	}

	/**
	 * The sum of decimal amounts divided by $divisor, in minor units, rounded half up.
	 *
	 * Used for a unit price: the line subtotal (plus its tax when prices are entered with
	 * tax) divided by the quantity. Returns null when an amount is not a plain non-negative
	 * decimal (so the context leaves the price out rather than guessing).
	 *
	 * @param array<int, string|int|float> $amounts  Decimal amounts, such as "12.99".
	 * @param int                          $exponent Digits of the currency's minor unit.
	 * @param int                          $divisor  Quantity, at least 1.
	 * @return int|null
	 */
	public static function minor_units( array $amounts, $exponent, $divisor = 1 ) {
		$divisor = (int) $divisor;
		if ( $divisor < 1 || $exponent < 0 ) {
			return null;
		}
		$parsed = array();
		$scale  = 0;
		foreach ( $amounts as $amount ) {
			$one = self::parse( $amount );
			if ( null === $one ) {
				return null;
			}
			$parsed[] = $one;
			$scale    = max( $scale, $one[1] );
		}
		// Sum at the common scale: every amount as an integer count of 10^-scale.
		$sum = 0;
		foreach ( $parsed as $one ) {
			$sum += $one[0] * ( 10 ** ( $scale - $one[1] ) );
			if ( ! is_int( $sum ) ) {
				return null;
			}
		}
		// minor = sum / 10^scale * 10^exponent / divisor, as one fraction num / den.
		if ( $scale >= $exponent ) {
			$num = $sum;
			$den = ( 10 ** ( $scale - $exponent ) ) * $divisor;
		} else {
			$num = $sum * ( 10 ** ( $exponent - $scale ) );
			$den = $divisor;
		}
		if ( ! is_int( $num ) || ! is_int( $den ) ) {
			return null;
		}
		$quotient  = intdiv( $num, $den );
		$remainder = $num % $den;
		return ( 2 * $remainder >= $den ) ? $quotient + 1 : $quotient;
	}

	/**
	 * Reads a non-negative decimal into [integer digits, scale]: "12.50" is [125, 1].
	 *
	 * @param string|int|float $amount The amount.
	 * @return array{0: int, 1: int}|null
	 */
	private static function parse( $amount ) {
		if ( is_int( $amount ) ) {
			$text = (string) $amount;
		} elseif ( is_float( $amount ) ) {
			// A float from a third-party filter: ten places are exact for any real price.
			if ( ! is_finite( $amount ) ) {
				return null;
			}
			$text = sprintf( '%.10F', $amount );
		} elseif ( is_string( $amount ) ) {
			$text = trim( $amount );
		} else {
			return null;
		}
		if ( '' === $text ) {
			$text = '0'; // WooCommerce stores an empty string for a line it never priced.
		}
		if ( ! preg_match( '/^(\d*)(?:\.(\d*))?$/', $text, $m ) || '' === $m[1] . ( isset( $m[2] ) ? $m[2] : '' ) ) {
			return null;
		}
		$fraction = rtrim( isset( $m[2] ) ? $m[2] : '', '0' );
		$fraction = substr( $fraction, 0, self::MAX_SCALE );
		$digits   = ltrim( $m[1] . $fraction, '0' );
		if ( strlen( $digits ) > 18 ) {
			return null;
		}
		return array( '' === $digits ? 0 : (int) $digits, strlen( $fraction ) );
	}
}
