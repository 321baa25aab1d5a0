<?php
/**
 * The WooCommerce plugin's translation template, integrations/woocommerce/crossbuy/languages/
 * crossbuy.pot, from its source: every call of WordPress's translation functions (__, _e, _x,
 * _n, esc_html__, esc_attr_e, …) with the text domain `crossbuy`, with the translators' comments
 * above them and the plugin header's name and description, as `wp i18n make-pot` does.
 *
 *     php scripts/woocommerce-pot.php           writes the template
 *     php scripts/woocommerce-pot.php --check   fails when it is not up to date (npm test)
 *     (--root=DIR reads another plugin folder: the tests' own examples)
 *
 * Both also fail, naming file:line, on a message that translators could not translate whole:
 * a message that is not one string literal, another text domain, or a translated message
 * joined with `.` to more text or to a value (write one message with placeholders and sprintf;
 * markup around a message, such as '<p>' . esc_html__( … ) . '</p>', is fine).
 */

$options = getopt( '', array( 'check', 'root:' ) );
$root    = isset( $options['root'] ) ? rtrim( $options['root'], '/' ) : dirname( __DIR__ ) . '/integrations/woocommerce/crossbuy';
$target  = $root . '/languages/crossbuy.pot';
$domain = 'crossbuy';

/** Argument positions of each function: [msgid, plural, context, domain] (null: none). */
$functions = array(
	'__'         => array( 0, null, null, 1 ),
	'_e'         => array( 0, null, null, 1 ),
	'esc_html__' => array( 0, null, null, 1 ),
	'esc_html_e' => array( 0, null, null, 1 ),
	'esc_attr__' => array( 0, null, null, 1 ),
	'esc_attr_e' => array( 0, null, null, 1 ),
	'_x'         => array( 0, null, 1, 2 ),
	'_ex'        => array( 0, null, 1, 2 ),
	'esc_html_x' => array( 0, null, 1, 2 ),
	'esc_attr_x' => array( 0, null, 1, 2 ),
	'_n'         => array( 0, 1, null, 3 ),
	'_nx'        => array( 0, 1, 3, 4 ),
);

/** The value of a PHP string literal token. */
function literal( $text ) {
	$quote = $text[0];
	$body  = substr( $text, 1, -1 );
	if ( "'" === $quote ) {
		return str_replace( array( "\\\\", "\\'" ), array( "\\", "'" ), $body );
	}
	return stripcslashes( str_replace( '\\$', '$', $body ) );
}

/** A string as a PO file writes it. */
function po( $text ) {
	$escaped = str_replace( array( '\\', '"', "\t" ), array( '\\\\', '\\"', '\\t' ), $text );
	if ( false === strpos( $text, "\n" ) ) {
		return '"' . $escaped . '"';
	}
	$lines = explode( "\n", $escaped );
	$out   = '""';
	foreach ( $lines as $i => $line ) {
		$out .= "\n\"" . $line . ( $i < count( $lines ) - 1 ? '\\n' : '' ) . '"';
	}
	return $out;
}

/** Whether a literal joined to a message is markup only (no words outside tags). */
function markup_only( $token ) {
	if ( ! is_array( $token ) || T_CONSTANT_ENCAPSED_STRING !== $token[0] ) {
		return false;
	}
	$outside = preg_replace( '/<[^>]*>/', '', literal( $token[1] ) );
	return ! preg_match( '/[\p{L}\p{N}]/u', $outside );
}

$entries = array();
$errors  = array();
$files   = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $root, FilesystemIterator::SKIP_DOTS ) );
$paths   = array();
foreach ( $files as $file ) {
	$path = $file->getPathname();
	if ( '.php' === substr( $path, -4 ) && false === strpos( $path, '/assets/' ) ) {
		$paths[] = $path;
	}
}
sort( $paths );

// The plugin header, as translators see it on the Plugins screen.
$main = file_get_contents( $root . '/crossbuy.php' );
foreach ( array( 'Plugin Name' => 'Plugin Name of the plugin', 'Description' => 'Description of the plugin', 'Author' => 'Author of the plugin' ) as $header => $comment ) {
	if ( preg_match( '/^\s*\*\s*' . preg_quote( $header, '/' ) . ':\s*(.+)$/m', $main, $m ) ) {
		$key = "\x04" . trim( $m[1] );
		if ( ! isset( $entries[ $key ] ) ) {
			$entries[ $key ] = array(
				'context'  => null,
				'msgid'    => trim( $m[1] ),
				'plural'   => null,
				'refs'     => array( 'crossbuy.php' ),
				'comments' => array(),
			);
		}
		$entries[ $key ]['comments'][] = $comment;
	}
}

foreach ( $paths as $path ) {
	$relative = substr( $path, strlen( $root ) + 1 );
	$tokens   = token_get_all( file_get_contents( $path ) );
	$count    = count( $tokens );
	$comment  = null;
	for ( $i = 0; $i < $count; $i++ ) {
		$t = $tokens[ $i ];
		if ( is_array( $t ) && in_array( $t[0], array( T_COMMENT, T_DOC_COMMENT ), true ) ) {
			if ( preg_match( '/translators:\s*(.*?)\s*(\*\/)?$/s', $t[1], $m ) ) {
				$comment = array( 'text' => 'translators: ' . preg_replace( '/\s*\n\s*\*?\s*/', ' ', $m[1] ), 'line' => $t[2] + substr_count( $t[1], "\n" ) );
			}
			continue;
		}
		if ( ! is_array( $t ) || T_STRING !== $t[0] || ! isset( $functions[ $t[1] ] ) ) {
			continue;
		}
		// A call (not a method, not a definition): the next token is "(".
		$prev = $i - 1;
		while ( $prev >= 0 && is_array( $tokens[ $prev ] ) && T_WHITESPACE === $tokens[ $prev ][0] ) {
			--$prev;
		}
		if ( $prev >= 0 && is_array( $tokens[ $prev ] ) && in_array( $tokens[ $prev ][0], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION ), true ) ) {
			continue;
		}
		$open = $i + 1;
		while ( $open < $count && is_array( $tokens[ $open ] ) && T_WHITESPACE === $tokens[ $open ][0] ) {
			++$open;
		}
		if ( $open >= $count || '(' !== $tokens[ $open ] ) {
			continue;
		}
		$line  = $t[2];
		$where = "$relative:$line";
		// The arguments, split at top-level commas.
		$args  = array( array() );
		$depth = 0;
		for ( $j = $open + 1; $j < $count; $j++ ) {
			$a = $tokens[ $j ];
			if ( in_array( $a, array( '(', '[', '{' ), true ) ) {
				++$depth;
			} elseif ( in_array( $a, array( ')', ']', '}' ), true ) ) {
				if ( 0 === $depth ) {
					break;
				}
				--$depth;
			} elseif ( ',' === $a && 0 === $depth ) {
				$args[] = array();
				continue;
			}
			if ( ! ( is_array( $a ) && in_array( $a[0], array( T_WHITESPACE, T_COMMENT ), true ) ) ) {
				$args[ count( $args ) - 1 ][] = $a;
			}
		}
		$close = $j;
		$value = function ( $position ) use ( $args ) {
			if ( null === $position ) {
				return null;
			}
			$arg = isset( $args[ $position ] ) ? $args[ $position ] : array();
			return 1 === count( $arg ) && is_array( $arg[0] ) && T_CONSTANT_ENCAPSED_STRING === $arg[0][0] ? literal( $arg[0][1] ) : false;
		};
		list( $p_msgid, $p_plural, $p_context, $p_domain ) = $functions[ $t[1] ];
		$msgid   = $value( $p_msgid );
		$plural  = $value( $p_plural );
		$context = $value( $p_context );
		$text_domain = $value( $p_domain );
		if ( false === $msgid || false === $plural || false === $context ) {
			$errors[] = "$where: the message of {$t[1]}() is not one string literal, so it cannot be translated";
			continue;
		}
		if ( $domain !== $text_domain ) {
			$errors[] = "$where: {$t[1]}() has the text domain " . ( false === $text_domain || null === $text_domain ? '(none)' : "\"$text_domain\"" ) . ", not \"$domain\"";
			continue;
		}
		// Joined to more text or a value with "."?
		$before = $prev;
		$after  = $close + 1;
		while ( $after < $count && is_array( $tokens[ $after ] ) && T_WHITESPACE === $tokens[ $after ][0] ) {
			++$after;
		}
		foreach ( array( array( $before, -1 ), array( $after, 1 ) ) as list( $at, $step ) ) {
			if ( $at < 0 || $at >= $count || '.' !== $tokens[ $at ] ) {
				continue;
			}
			$other = $at + $step;
			while ( $other >= 0 && $other < $count && is_array( $tokens[ $other ] ) && T_WHITESPACE === $tokens[ $other ][0] ) {
				$other += $step;
			}
			if ( ! markup_only( $tokens[ $other ] ) ) {
				$errors[] = "$where: the message of {$t[1]}() is joined with \".\" to other text or a value; write one message with placeholders (sprintf) so that translators see it whole";
			}
		}
		$key = ( null === $context ? '' : $context ) . "\x04" . $msgid;
		if ( ! isset( $entries[ $key ] ) ) {
			$entries[ $key ] = array(
				'context'  => $context,
				'msgid'    => $msgid,
				'plural'   => $plural,
				'refs'     => array(),
				'comments' => array(),
			);
		}
		if ( ! in_array( $where, $entries[ $key ]['refs'], true ) ) {
			$entries[ $key ]['refs'][] = $where;
		}
		if ( null !== $comment && $line - $comment['line'] <= 2 && ! in_array( $comment['text'], $entries[ $key ]['comments'], true ) ) {
			$entries[ $key ]['comments'][] = $comment['text'];
		}
		$i = $close;
	}
}

if ( ! preg_match( '/^\s*\*\s*Version:\s*(\S+)/m', $main, $version ) ) {
	$errors[] = 'crossbuy.php: no Version header';
}
$pot  = "# Copyright (C) crossbuy\n# This file is distributed under the MIT license.\n";
$pot .= "# Made by scripts/woocommerce-pot.php from the plugin's source; do not edit.\n";
$pot .= "msgid \"\"\nmsgstr \"\"\n";
$pot .= '"Project-Id-Version: crossbuy ' . ( isset( $version[1] ) ? $version[1] : '' ) . "\\n\"\n";
$pot .= "\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n";
$pot .= "\"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n\"\n\"X-Domain: $domain\\n\"\n";
foreach ( $entries as $e ) {
	$pot .= "\n";
	foreach ( $e['comments'] as $c ) {
		$pot .= "#. $c\n";
	}
	$pot .= '#: ' . implode( ' ', $e['refs'] ) . "\n";
	if ( false !== strpos( $e['msgid'], '%' ) ) {
		$pot .= "#, php-format\n";
	}
	if ( null !== $e['context'] ) {
		$pot .= 'msgctxt ' . po( $e['context'] ) . "\n";
	}
	$pot .= 'msgid ' . po( $e['msgid'] ) . "\n";
	if ( null !== $e['plural'] ) {
		$pot .= 'msgid_plural ' . po( $e['plural'] ) . "\nmsgstr[0] \"\"\nmsgstr[1] \"\"\n";
	} else {
		$pot .= "msgstr \"\"\n";
	}
}

if ( $errors ) {
	foreach ( $errors as $error ) {
		fwrite( STDERR, "woocommerce-pot: $error\n" );
	}
	exit( 1 );
}
$count = count( $entries );
if ( isset( $options['check'] ) ) {
	if ( ! file_exists( $target ) || file_get_contents( $target ) !== $pot ) {
		fwrite( STDERR, "woocommerce-pot: languages/crossbuy.pot is not up to date with the plugin's messages: run php scripts/woocommerce-pot.php\n" );
		exit( 1 );
	}
	echo "woocommerce-pot: languages/crossbuy.pot has the plugin's $count messages\n";
	exit( 0 );
}
if ( ! is_dir( dirname( $target ) ) ) {
	mkdir( dirname( $target ), 0777, true );
}
file_put_contents( $target, $pot );
echo "woocommerce-pot: wrote languages/crossbuy.pot ($count messages)\n";
