<?php
/**
 * WordPress.org readiness: the translation template is the source's, no message is built from
 * pieces, and the readme agrees with the plugin's header.
 */

/** Runs scripts/woocommerce-pot.php with $args; returns [exit code, what it printed]. */
function pot_script( $args ) {
	$php    = PHP_BINARY;
	$script = dirname( __DIR__, 2 ) . '/scripts/woocommerce-pot.php';
	exec( escapeshellarg( $php ) . ' ' . escapeshellarg( $script ) . ' ' . $args . ' 2>&1', $out, $code );
	return array( $code, implode( "\n", $out ) );
}

/** A header's value in a file ("Requires at least: 6.5"), or null. */
function header_value( $text, $name ) {
	return preg_match( '/^[\s*]*' . preg_quote( $name, '/' ) . ':\s*(.+?)\s*$/mi', $text, $m ) ? $m[1] : null;
}

test(
	'the committed translation template is the source\'s',
	function () {
		list( $code, $out ) = pot_script( '--check' );
		check( 'up to date', array( $code, $out ), array( 0, "woocommerce-pot: languages/crossbuy.pot has the plugin's 62 messages" ) );
		$pot = file_get_contents( dirname( CROSSBUY_PLUGIN_FILE ) . '/languages/crossbuy.pot' );
		check( 'the consent checkbox\'s default wording', strpos( $pot, "msgid \"Email me tips and offers for my order\"\nmsgstr \"\"" ) !== false, true );
		check( 'a translators\' comment', strpos( $pot, "#. translators: 1: number of products, 2: file size, 3: date and time saved.\n" ) !== false, true );
		check( 'plurals', strpos( $pot, "msgid_plural \"Saved catalog: %1\$s products, %2\$s, saved %3\$s.\"" ) !== false, true );
	}
);

test(
	'a message built from pieces, a computed message or another domain is refused, naming the line',
	function () {
		$dir = sys_get_temp_dir() . '/crossbuy-php-tests-' . getmypid() . '/pot-example';
		remove_tree( $dir );
		mkdir( $dir, 0777, true );
		file_put_contents( "$dir/crossbuy.php", "<?php\n/**\n * Plugin Name: crossbuy\n * Version: 1.0\n */\n" );
		file_put_contents(
			"$dir/bad.php",
			"<?php\n"
			. "echo __( 'must be a URL', 'crossbuy' ) . ', got ' . \$value;\n"
			. "echo 'Hello ' . esc_html__( 'world', 'crossbuy' );\n"
			. "echo __( \$message, 'crossbuy' );\n"
			. "echo __( 'Hi', 'woocommerce' );\n"
			. "echo '<p>' . esc_html__( 'Fine', 'crossbuy' ) . '</p>';\n"
			. "echo sprintf( __( 'Fine: %s', 'crossbuy' ), \$value );\n"
		);
		list( $code, $out ) = pot_script( '--root=' . escapeshellarg( $dir ) );
		check( 'exit', $code, 1 );
		check(
			'messages',
			explode( "\n", $out ),
			array(
				'woocommerce-pot: bad.php:2: the message of __() is joined with "." to other text or a value; write one message with placeholders (sprintf) so that translators see it whole',
				'woocommerce-pot: bad.php:3: the message of esc_html__() is joined with "." to other text or a value; write one message with placeholders (sprintf) so that translators see it whole',
				'woocommerce-pot: bad.php:4: the message of __() is not one string literal, so it cannot be translated',
				'woocommerce-pot: bad.php:5: __() has the text domain "woocommerce", not "crossbuy"',
			)
		);
	}
);

test(
	'the readme and the plugin header agree, for WordPress.org',
	function () {
		$dir    = dirname( CROSSBUY_PLUGIN_FILE );
		$readme = file_get_contents( "$dir/readme.txt" );
		$main   = file_get_contents( "$dir/crossbuy.php" );
		foreach ( array( 'Requires at least', 'Requires PHP', 'WC requires at least', 'WC tested up to' ) as $name ) {
			check( $name, header_value( $readme, $name ), header_value( $main, $name ) );
		}
		check( 'Stable tag is the version', header_value( $readme, 'Stable tag' ), header_value( $main, 'Version' ) );
		check( 'the plugin requires WooCommerce', header_value( $main, 'Requires Plugins' ), 'woocommerce' );
		// WordPress reads "Requires Plugins" from 6.5 on: an older minimum would not install WooCommerce first.
		check( 'Requires at least knows Requires Plugins', version_compare( header_value( $main, 'Requires at least' ), '6.5', '>=' ), true );
		check( 'Tested up to', version_compare( header_value( $readme, 'Tested up to' ), '7.1', '>=' ), true );
		check( 'text domain', header_value( $main, 'Text Domain' ), 'crossbuy' );
		check( 'domain path', header_value( $main, 'Domain Path' ), '/languages' );
		check( 'an External services section', strpos( $readme, "== External services ==\n" ) !== false, true );
		foreach ( array( 'https://www.klaviyo.com/legal/terms-of-service', 'https://www.klaviyo.com/legal/privacy/privacy-notice', 'Idempotency-Key' ) as $needle ) {
			check( 'readme names ' . $needle, strpos( $readme, $needle ) !== false, true );
		}
	}
);
