<?php
/**
 * Tiny stand-ins for the WordPress and WooCommerce functions the crossbuy plugin calls,
 * with the same contracts (escaping, JSON, hooks), and fake WooCommerce objects.
 * State lives in $GLOBALS['wp'] and is reset by wp_reset() before every test.
 */

define( 'ABSPATH', __DIR__ . '/' );

/** Resets the fake site: no options, no hooks fired, a guest on no particular page. */
function wp_reset() {
	// Hooks and shortcodes are registered once, when the plugin is loaded.
	$hooks      = isset( $GLOBALS['wp']['hooks'] ) ? $GLOBALS['wp']['hooks'] : array();
	$shortcodes = isset( $GLOBALS['wp']['shortcodes'] ) ? $GLOBALS['wp']['shortcodes'] : array();
	$GLOBALS['wp'] = array(
		'hooks'          => $hooks,
		'shortcodes'     => $shortcodes,
		'options'        => array(),
		'did'            => array(),
		'enqueued'       => array(),
		'settings_errors'=> array(),
		'is_checkout'    => false,
		'is_received'    => false,
		'user_id'        => 0,
		'order_counts'   => array(),
		'orders'         => array(),
		'locale'         => 'en_GB',
		'currency'       => 'GBP',
		'incl_tax'       => false,
		'cart'           => null,
		'home'           => 'https://shop.example',
	);
	$_GET  = array();
	$_POST = array();
}

// Hooks: filters and actions share one registry, as in WordPress.
function add_filter( $name, $callback, $priority = 10, $args = 1 ) {
	$GLOBALS['wp']['hooks'][ $name ][ $priority ][] = array( $callback, $args );
	return true;
}
function add_action( $name, $callback, $priority = 10, $args = 1 ) {
	return add_filter( $name, $callback, $priority, $args );
}
function apply_filters( $name, $value, ...$rest ) {
	$hooks = isset( $GLOBALS['wp']['hooks'][ $name ] ) ? $GLOBALS['wp']['hooks'][ $name ] : array();
	ksort( $hooks );
	foreach ( $hooks as $callbacks ) {
		foreach ( $callbacks as $cb ) {
			$value = call_user_func_array( $cb[0], array_slice( array_merge( array( $value ), $rest ), 0, $cb[1] ) );
		}
	}
	return $value;
}
function do_action( $name, ...$args ) {
	$GLOBALS['wp']['did'][ $name ] = did_action( $name ) + 1;
	$hooks = isset( $GLOBALS['wp']['hooks'][ $name ] ) ? $GLOBALS['wp']['hooks'][ $name ] : array();
	ksort( $hooks );
	foreach ( $hooks as $callbacks ) {
		foreach ( $callbacks as $cb ) {
			call_user_func_array( $cb[0], array_slice( $args, 0, $cb[1] ) );
		}
	}
}
function did_action( $name ) {
	return isset( $GLOBALS['wp']['did'][ $name ] ) ? $GLOBALS['wp']['did'][ $name ] : 0;
}
function remove_all_filters( $name ) {
	unset( $GLOBALS['wp']['hooks'][ $name ] );
}
function add_shortcode( $tag, $callback ) {
	$GLOBALS['wp']['shortcodes'][ $tag ] = $callback;
}
function __return_false() {
	return false;
}

// Options.
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['wp']['options'] ) ? $GLOBALS['wp']['options'][ $name ] : $default;
}
function update_option( $name, $value ) {
	$GLOBALS['wp']['options'][ $name ] = $value;
	return true;
}
function delete_option( $name ) {
	unset( $GLOBALS['wp']['options'][ $name ] );
	return true;
}

// Escaping and sanitising, as WordPress does it for the inputs used here.
function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_url_raw( $url, $protocols = null ) {
	$url    = trim( (string) $url );
	$scheme = strtolower( (string) parse_url( $url, PHP_URL_SCHEME ) );
	if ( '' !== $scheme && ! in_array( $scheme, $protocols ? $protocols : array( 'http', 'https' ), true ) ) {
		return '';
	}
	return preg_replace( '|[^a-z0-9-~+_.?#=!&;,/:%@$\|*\'()\[\]\\x80-\\xff]|i', '', $url );
}
function esc_url( $url, $protocols = null ) {
	return str_replace( array( '&', "'" ), array( '&#038;', '&#039;' ), esc_url_raw( $url, $protocols ) );
}
function sanitize_text_field( $text ) {
	$text = wp_strip_all_tags( (string) $text );
	return trim( preg_replace( '/[\r\n\t ]+/', ' ', $text ) );
}
function wp_strip_all_tags( $text ) {
	return strip_tags( preg_replace( '@<(script|style)[^>]*?>.*?</\\1>@si', '', $text ) );
}
function wp_unslash( $value ) {
	return is_array( $value ) ? array_map( 'wp_unslash', $value ) : stripslashes( (string) $value );
}
function wc_clean( $value ) {
	return is_array( $value ) ? array_map( 'wc_clean', $value ) : sanitize_text_field( $value );
}
function is_email( $email ) {
	return false !== filter_var( $email, FILTER_VALIDATE_EMAIL ) ? $email : false;
}
function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}
function wp_json_encode( $data, $options = 0, $depth = 512 ) {
	return json_encode( $data, $options, $depth );
}
function __( $text, $domain = 'default' ) {
	return $text;
}
function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}
function checked( $checked, $current = true, $echo = true ) {
	return (string) $checked === (string) $current ? " checked='checked'" : '';
}
function selected( $selected, $current = true, $echo = true ) {
	return (string) $selected === (string) $current ? " selected='selected'" : '';
}

// Admin.
function plugin_basename( $file ) {
	return basename( dirname( $file ) ) . '/' . basename( $file );
}
function admin_url( $path = '' ) {
	return 'https://shop.example/wp-admin/' . ltrim( $path, '/' );
}
function current_user_can( $capability ) {
	return true;
}
function add_options_page( ...$args ) {
	$GLOBALS['wp']['pages'][] = $args;
}
function register_setting( $group, $name, $args = array() ) {
	$GLOBALS['wp']['registered'][ $name ] = $args;
}
function add_settings_section( $id, $title, $callback, $page ) {
	$GLOBALS['wp']['sections'][ $page ][ $id ] = $title;
}
function add_settings_field( $id, $title, $callback, $page, $section, $args = array() ) {
	$GLOBALS['wp']['fields'][ $page ][ $section ][ $id ] = array( $title, $callback, $args );
}
function add_settings_error( $setting, $code, $message, $type = 'error' ) {
	$GLOBALS['wp']['settings_errors'][] = $message;
}
function settings_fields( $group ) {
	echo '<input type="hidden" name="option_page" value="' . esc_attr( $group ) . '">';
}
function do_settings_sections( $page ) {
	foreach ( $GLOBALS['wp']['sections'][ $page ] as $section => $title ) {
		echo '<h2>' . esc_html( $title ) . '</h2>';
		foreach ( $GLOBALS['wp']['fields'][ $page ][ $section ] as $field ) {
			call_user_func( $field[1], $field[2] );
		}
	}
}
function submit_button() {
	echo '<input type="submit">';
}

// Storefront.
function is_checkout() {
	return $GLOBALS['wp']['is_checkout'] || $GLOBALS['wp']['is_received'];
}
function is_order_received_page() {
	return $GLOBALS['wp']['is_received'];
}
function wp_enqueue_script( $handle, $src = '', $deps = array(), $ver = false, $args = array() ) {
	$GLOBALS['wp']['enqueued'][ $handle ] = array( $src, $deps, $ver, $args );
}
function rest_url( $path = '' ) {
	return $GLOBALS['wp']['home'] . '/wp-json/' . ltrim( $path, '/' );
}
function wp_create_nonce( $action = -1 ) {
	return substr( md5( 'nonce:' . $action . ':' . $GLOBALS['wp']['user_id'] ), 0, 10 );
}
function get_locale() {
	return $GLOBALS['wp']['locale'];
}
function get_current_user_id() {
	return $GLOBALS['wp']['user_id'];
}
function get_woocommerce_currency() {
	return $GLOBALS['wp']['currency'];
}
function wc_prices_include_tax() {
	return $GLOBALS['wp']['incl_tax'];
}
function wc_get_customer_order_count( $user_id ) {
	return isset( $GLOBALS['wp']['order_counts'][ $user_id ] ) ? $GLOBALS['wp']['order_counts'][ $user_id ] : 0;
}
function wc_get_order( $id ) {
	return isset( $GLOBALS['wp']['orders'][ $id ] ) ? $GLOBALS['wp']['orders'][ $id ] : false;
}
function WC() {
	return (object) array( 'cart' => $GLOBALS['wp']['cart'] );
}
function woocommerce_form_field( $key, $args, $value = null ) {
	echo '<p class="form-row ' . esc_attr( implode( ' ', $args['class'] ) ) . '"><label><input type="checkbox" name="' . esc_attr( $key ) . '" value="1"> ' . esc_html( $args['label'] ) . '</label></p>';
}
function woocommerce_register_additional_checkout_field( $options ) {
	$GLOBALS['wp']['checkout_fields'][] = $options;
}

/** WooCommerce's date class is a DateTime. */
class WC_DateTime extends DateTime {
}

/** A product line of an order, with WooCommerce's getters (amounts are decimal strings). */
class Fake_Order_Item {
	public $d;
	public function __construct( array $d ) {
		$this->d = $d + array( 'variation_id' => 0, 'subtotal_tax' => '' );
	}
	public function get_product_id() { return $this->d['product_id']; }
	public function get_variation_id() { return $this->d['variation_id']; }
	public function get_quantity() { return $this->d['quantity']; }
	public function get_subtotal() { return $this->d['subtotal']; }
	public function get_subtotal_tax() { return $this->d['subtotal_tax']; }
}

/** A WC_Order with the getters the plugin reads, and its meta. */
class Fake_Order {
	public $d;
	public $meta;
	public function __construct( array $d, array $meta = array() ) {
		$this->d    = $d;
		$this->meta = $meta;
	}
	public function get_id() { return $this->d['id']; }
	public function get_order_key() { return $this->d['key']; }
	public function get_currency() { return $this->d['currency']; }
	public function get_billing_email() { return $this->d['email']; }
	public function get_customer_id() { return isset( $this->d['customer_id'] ) ? $this->d['customer_id'] : 0; }
	public function get_date_created() {
		return isset( $this->d['created'] ) ? new WC_DateTime( $this->d['created'] ) : null;
	}
	public function get_items( $type = 'line_item' ) {
		return array_map( function ( $i ) { return new Fake_Order_Item( $i ); }, $this->d['items'] );
	}
	public function get_meta( $key, $single = true ) {
		return isset( $this->meta[ $key ] ) ? $this->meta[ $key ] : '';
	}
	public function update_meta_data( $key, $value ) {
		$this->meta[ $key ] = $value;
	}
}

/** A cart product: get_price() is the active price as a decimal string. */
class Fake_Product {
	private $price;
	public function __construct( $price ) { $this->price = $price; }
	public function get_price() { return $this->price; }
}

/** WC_Cart: get_cart() returns entries keyed by cart item key. */
class Fake_Cart {
	private $entries;
	public function __construct( array $entries ) { $this->entries = $entries; }
	public function get_cart() { return $this->entries; }
}
