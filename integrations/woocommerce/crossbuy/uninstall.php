<?php
/**
 * Removes crossbuy's settings, the saved catalog and the order history's secret when the plugin
 * is deleted. Orders keep their `_crossbuy_marketing_consent` meta: it is the buyer's recorded
 * answer.
 *
 * @package crossbuy
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'crossbuy_settings' );
delete_option( 'crossbuy_history_secret' );
$crossbuy_uploads = wp_upload_dir( null, false );
if ( is_array( $crossbuy_uploads ) && ! empty( $crossbuy_uploads['basedir'] ) ) {
	wp_delete_file( trailingslashit( $crossbuy_uploads['basedir'] ) . 'crossbuy/catalog.json' );
	@rmdir( trailingslashit( $crossbuy_uploads['basedir'] ) . 'crossbuy' ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged, WordPress.WP.AlternativeFunctions.file_system_operations_rmdir -- only when empty.
}
delete_option( 'crossbuy_catalog' );
