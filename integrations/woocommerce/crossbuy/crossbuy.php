<?php
/**
 * Plugin Name:          crossbuy
 * Description:          "Frequently bought together" on the checkout and order-received pages, scored in the browser from a catalog snapshot built from your own orders, with opt-in email signals to Klaviyo or a webhook.
 * Version:              0.1.0
 * Requires at least:    6.5
 * Requires PHP:         7.4
 * Requires Plugins:     woocommerce
 * WC requires at least: 8.0
 * WC tested up to:      11.0
 * Author:               crossbuy
 * License:              MIT
 * License URI:          https://opensource.org/licenses/MIT
 * Text Domain:          crossbuy
 * Domain Path:          /languages
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

define( 'CROSSBUY_VERSION', '0.1.0' );
define( 'CROSSBUY_PLUGIN_FILE', __FILE__ );

require_once __DIR__ . '/includes/class-crossbuy-money.php';
require_once __DIR__ . '/includes/class-crossbuy-settings.php';
require_once __DIR__ . '/includes/class-crossbuy-consent.php';
require_once __DIR__ . '/includes/class-crossbuy-context.php';
require_once __DIR__ . '/includes/class-crossbuy-frontend.php';
require_once __DIR__ . '/includes/class-crossbuy-measure.php';
require_once __DIR__ . '/includes/class-crossbuy-history.php';
require_once __DIR__ . '/includes/class-crossbuy-catalog.php';
require_once __DIR__ . '/includes/class-crossbuy-admin.php';

// Orders are read through WC_Order getters and get_meta() only, so both order storages
// (posts and High-Performance Order Storage) and the block checkout work.
add_action(
	'before_woocommerce_init',
	function () {
		if ( class_exists( '\Automattic\WooCommerce\Utilities\FeaturesUtil' ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', CROSSBUY_PLUGIN_FILE, true );
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', CROSSBUY_PLUGIN_FILE, true );
		}
	}
);

Crossbuy_Settings::register();
Crossbuy_Admin::register();
Crossbuy_Consent::register();
Crossbuy_Frontend::register();
Crossbuy_Measure::register();
Crossbuy_History::register();
Crossbuy_Catalog::register();
