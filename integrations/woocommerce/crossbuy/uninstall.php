<?php
/**
 * Removes crossbuy's settings when the plugin is deleted. Orders keep their
 * `_crossbuy_marketing_consent` meta: it is the buyer's recorded answer.
 *
 * @package crossbuy
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'crossbuy_settings' );
