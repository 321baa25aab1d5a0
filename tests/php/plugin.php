<?php
/**
 * The plugin as its zip installs it, for the tests: a copy of integrations/woocommerce/crossbuy
 * in a folder of this test run, with the assets the build puts in it (the loader, the wasm glue
 * and module, the language packs). When the build has not run, the copy gets stand-ins of the two
 * files the plugin checks for, so these tests need PHP only.
 */

/**
 * Copies the plugin and returns the path of its main file.
 *
 * @return string
 */
function crossbuy_plugin_under_test() {
	$source = dirname( __DIR__, 2 ) . '/integrations/woocommerce/crossbuy';
	$target = sys_get_temp_dir() . '/crossbuy-php-tests-' . getmypid() . '/plugins/crossbuy';
	remove_tree( $target );
	copy_tree( $source, $target );
	foreach ( array( 'assets/crossbuy.js', 'assets/pkg/crossbuy_bg.wasm' ) as $file ) {
		if ( ! file_exists( "$target/$file" ) ) {
			@mkdir( dirname( "$target/$file" ), 0777, true );
			file_put_contents( "$target/$file", '' );
		}
	}
	register_shutdown_function( 'remove_tree', dirname( $target, 2 ) );
	return "$target/crossbuy.php";
}

/** Copies a folder and what is in it. */
function copy_tree( $from, $to ) {
	mkdir( $to, 0777, true );
	foreach ( scandir( $from ) as $entry ) {
		if ( '.' === $entry || '..' === $entry ) {
			continue;
		}
		is_dir( "$from/$entry" ) ? copy_tree( "$from/$entry", "$to/$entry" ) : copy( "$from/$entry", "$to/$entry" );
	}
}
