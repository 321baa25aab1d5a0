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
		'session'        => null,
		'home'           => 'https://shop.example',
		'caps'           => array( 'manage_options', 'manage_woocommerce' ),
		'transients'     => array(),
		'routes'         => array(),
		'plugins_url'    => 'https://shop.example/wp-content/plugins',
		'uploads_dir'    => fresh_dir( 'uploads' ),
		'uploads_url'    => 'https://shop.example/wp-content/uploads',
		'order_queries'  => array(),
		'privacy'        => array(),
		'menu'           => array(),
		'now'            => 1796025600, // 2026-12-01T00:00:00Z
	);
	$_GET     = array();
	$_POST    = array();
	$_REQUEST = array();
	$_FILES   = array();
	unset( $GLOBALS['wp_rest_application_password_uuid'] );
}

/** An empty folder of this test run (made again, empty, on every call). */
function fresh_dir( $name ) {
	$dir = sys_get_temp_dir() . '/crossbuy-php-tests-' . getmypid() . '/' . $name;
	remove_tree( $dir );
	mkdir( $dir, 0777, true );
	return $dir;
}

/** Removes a folder and what is in it. */
function remove_tree( $dir ) {
	if ( ! is_dir( $dir ) ) {
		return;
	}
	foreach ( scandir( $dir ) as $entry ) {
		if ( '.' !== $entry && '..' !== $entry ) {
			$path = $dir . '/' . $entry;
			is_dir( $path ) ? remove_tree( $path ) : unlink( $path );
		}
	}
	rmdir( $dir );
}

/** What wp_die() does: stops the request with a message and a status. */
class Fake_Die extends Exception {
	public $status;
	public function __construct( $message, $status ) {
		parent::__construct( (string) $message );
		$this->status = $status;
	}
}

/** What wp_safe_redirect() followed by exit does: the request ends with a Location. */
class Fake_Redirect extends Exception {
	public $location;
	public function __construct( $location ) {
		parent::__construct( 'redirect to ' . $location );
		$this->location = $location;
	}
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
	return str_replace( array( '&', "'" ), array( '&#038;', '&#039;' ), str_replace( '&amp;', '&', esc_url_raw( $url, $protocols ) ) );
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
function esc_attr__( $text, $domain = 'default' ) {
	return esc_attr( $text );
}
function esc_html_e( $text, $domain = 'default' ) {
	echo esc_html( $text );
}
function _n( $single, $plural, $number, $domain = 'default' ) {
	return 1 === (int) $number ? $single : $plural;
}
function sanitize_key( $key ) {
	return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
}
function wp_kses_post( $html ) {
	return $html;
}
function wpautop( $text, $br = true ) {
	return '<p>' . implode( "</p>\n<p>", preg_split( '/\n\s*\n/', trim( $text ) ) ) . "</p>\n";
}
function number_format_i18n( $number, $decimals = 0 ) {
	return number_format( $number, $decimals );
}
function size_format( $bytes, $decimals = 0 ) {
	foreach ( array( 'GB' => 1073741824, 'MB' => 1048576, 'KB' => 1024 ) as $unit => $size ) {
		if ( $bytes >= $size ) {
			return number_format( $bytes / $size, $decimals ) . ' ' . $unit;
		}
	}
	return $bytes . ' B';
}
function wp_date( $format, $timestamp = null ) {
	return gmdate( $format, null === $timestamp ? time() : $timestamp );
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
	return $GLOBALS['wp']['home'] . '/wp-admin/' . ltrim( $path, '/' );
}
function current_user_can( $capability ) {
	return in_array( $capability, $GLOBALS['wp']['caps'], true );
}
function is_user_logged_in() {
	return $GLOBALS['wp']['user_id'] > 0;
}
function add_submenu_page( $parent, $page_title, $menu_title, $capability, $slug, $callback ) {
	$GLOBALS['wp']['menu'][ $parent ][ $slug ] = array( $page_title, $menu_title, $capability, $callback );
}
function settings_errors( $setting = '' ) {
	foreach ( $GLOBALS['wp']['settings_errors'] as $message ) {
		echo '<div class="notice notice-error settings-error"><p><strong>' . $message . '</strong></p></div>';
	}
}
function wp_add_privacy_policy_content( $plugin_name, $policy_text ) {
	$GLOBALS['wp']['privacy'][ $plugin_name ] = $policy_text;
}
function wp_die( $message = '', $title = '', $args = array() ) {
	throw new Fake_Die( $message, isset( $args['response'] ) ? $args['response'] : 500 );
}
function wp_verify_nonce( $nonce, $action = -1 ) {
	return is_string( $nonce ) && '' !== $nonce && hash_equals( wp_create_nonce( $action ), $nonce ) ? 1 : false;
}
function check_admin_referer( $action = -1, $query_arg = '_wpnonce' ) {
	$nonce = isset( $_REQUEST[ $query_arg ] ) ? $_REQUEST[ $query_arg ] : '';
	if ( ! wp_verify_nonce( $nonce, $action ) ) {
		wp_die( 'The link you followed has expired.', 'Something went wrong.', array( 'response' => 403 ) );
	}
	return 1;
}
function wp_nonce_field( $action = -1, $name = '_wpnonce' ) {
	echo '<input type="hidden" id="' . esc_attr( $name ) . '" name="' . esc_attr( $name ) . '" value="' . esc_attr( wp_create_nonce( $action ) ) . '" />';
}
function add_query_arg( $key, $value, $url ) {
	return $url . ( false === strpos( $url, '?' ) ? '?' : '&' ) . rawurlencode( $key ) . '=' . rawurlencode( $value );
}
function wp_nonce_url( $url, $action = -1 ) {
	return str_replace( '&', '&amp;', add_query_arg( '_wpnonce', wp_create_nonce( $action ), $url ) );
}
function nocache_headers() {
}
function wp_safe_redirect( $location, $status = 302 ) {
	throw new Fake_Redirect( $location );
}
function set_transient( $key, $value, $expiration = 0 ) {
	$GLOBALS['wp']['transients'][ $key ] = $value;
	return true;
}
function get_transient( $key ) {
	return isset( $GLOBALS['wp']['transients'][ $key ] ) ? $GLOBALS['wp']['transients'][ $key ] : false;
}
function delete_transient( $key ) {
	unset( $GLOBALS['wp']['transients'][ $key ] );
	return true;
}

// Files and uploads.
function trailingslashit( $path ) {
	return rtrim( $path, '/\\' ) . '/';
}
function plugin_dir_path( $file ) {
	return trailingslashit( dirname( $file ) );
}
function plugins_url( $path = '', $plugin = '' ) {
	return $GLOBALS['wp']['plugins_url'] . '/' . basename( dirname( $plugin ) ) . '/' . ltrim( $path, '/' );
}
function wp_upload_dir( $time = null, $create_dir = true ) {
	return array(
		'basedir' => $GLOBALS['wp']['uploads_dir'],
		'baseurl' => $GLOBALS['wp']['uploads_url'],
		'error'   => false,
	);
}
function set_url_scheme( $url ) {
	return $url;
}
function wp_mkdir_p( $dir ) {
	return is_dir( $dir ) || mkdir( $dir, 0777, true );
}
function wp_delete_file( $file ) {
	if ( is_file( $file ) ) {
		unlink( $file );
	}
}
function wp_generate_password( $length = 12, $special = true, $extra = false ) {
	return substr( bin2hex( random_bytes( $length ) ), 0, $length );
}

// The REST API: routes as WordPress keeps them, a request and a response.
class WP_Error {
	public $code;
	public $message;
	public $data;
	public function __construct( $code = '', $message = '', $data = '' ) {
		$this->code    = $code;
		$this->message = $message;
		$this->data    = $data;
	}
	public function get_error_code() { return $this->code; }
	public function get_error_message() { return $this->message; }
	public function get_error_data() { return $this->data; }
}
function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}
class WP_REST_Request {
	public $method;
	public $params;
	public $headers;
	public $body;
	public function __construct( $method, array $params = array(), array $headers = array(), $body = '' ) {
		$this->method  = $method;
		$this->params  = $params;
		$this->headers = array_change_key_case( $headers, CASE_LOWER );
		$this->body    = $body;
	}
	public function get_param( $key ) { return isset( $this->params[ $key ] ) ? $this->params[ $key ] : null; }
	public function set_param( $key, $value ) { $this->params[ $key ] = $value; }
	public function get_header( $key ) {
		$key = strtolower( str_replace( '_', '-', $key ) );
		return isset( $this->headers[ $key ] ) ? $this->headers[ $key ] : null;
	}
	public function get_body() { return $this->body; }
}
class WP_REST_Response {
	public $data;
	public $status;
	public $headers = array();
	public function __construct( $data = null, $status = 200 ) {
		$this->data   = $data;
		$this->status = $status;
	}
	public function header( $key, $value ) { $this->headers[ $key ] = $value; }
	public function get_data() { return $this->data; }
	public function get_status() { return $this->status; }
	public function get_headers() { return $this->headers; }
}
function register_rest_route( $namespace, $route, $args ) {
	$GLOBALS['wp']['routes'][ '/' . $namespace . $route ] = $args;
	return true;
}
function rest_authorization_required_code() {
	return is_user_logged_in() ? 403 : 401;
}

/**
 * Serves a REST request as WordPress's REST server does for these routes: the route and
 * method, the arguments' defaults and their integer bounds, the permission callback, then the
 * callback; a WP_Error becomes a response with its status.
 */
function rest_dispatch( $method, $route, array $params = array(), array $headers = array(), $body = '' ) {
	do_action( 'rest_api_init' );
	if ( ! isset( $GLOBALS['wp']['routes'][ $route ] ) ) {
		return new WP_REST_Response( array( 'code' => 'rest_no_route' ), 404 );
	}
	$handler = $GLOBALS['wp']['routes'][ $route ];
	if ( $handler['methods'] !== $method ) {
		return new WP_REST_Response( array( 'code' => 'rest_no_route' ), 404 );
	}
	$args = isset( $handler['args'] ) ? $handler['args'] : array();
	foreach ( $args as $name => $spec ) {
		if ( ! isset( $params[ $name ] ) ) {
			if ( array_key_exists( 'default', $spec ) ) {
				$params[ $name ] = $spec['default'];
			}
			continue;
		}
		$value = $params[ $name ];
		$bad   = 'integer' === $spec['type'] && ( ! is_numeric( $value ) || (int) $value != $value );
		$bad   = $bad || ( isset( $spec['minimum'] ) && $value < $spec['minimum'] ) || ( isset( $spec['maximum'] ) && $value > $spec['maximum'] );
		if ( $bad ) {
			return new WP_REST_Response( array( 'code' => 'rest_invalid_param', 'data' => array( 'params' => array( $name ) ) ), 400 );
		}
		$params[ $name ] = (int) $value;
	}
	$request = new WP_REST_Request( $method, $params, $headers, $body );
	$allowed = call_user_func( $handler['permission_callback'], $request );
	if ( is_wp_error( $allowed ) ) {
		return new WP_REST_Response( array( 'code' => $allowed->get_error_code(), 'message' => $allowed->get_error_message() ), $allowed->get_error_data()['status'] );
	}
	if ( true !== $allowed ) {
		return new WP_REST_Response( array( 'code' => 'rest_forbidden' ), rest_authorization_required_code() );
	}
	$result = call_user_func( $handler['callback'], $request );
	if ( is_wp_error( $result ) ) {
		$data = $result->get_error_data();
		return new WP_REST_Response( array( 'code' => $result->get_error_code(), 'message' => $result->get_error_message() ), isset( $data['status'] ) ? $data['status'] : 500 );
	}
	return $result;
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
	if ( ! isset( $GLOBALS['wp']['sections'][ $page ] ) ) {
		return;
	}
	foreach ( $GLOBALS['wp']['sections'][ $page ] as $section => $title ) {
		echo '<h2>' . esc_html( $title ) . '</h2>';
		foreach ( $GLOBALS['wp']['fields'][ $page ][ $section ] as $field ) {
			call_user_func( $field[1], $field[2] );
		}
	}
}
function submit_button( $text = null, $type = 'primary', $name = 'submit', $wrap = true ) {
	echo '<input type="submit" name="' . esc_attr( $name ) . '" class="button button-' . esc_attr( $type ) . '" value="' . esc_attr( null === $text ? 'Save Changes' : $text ) . '">';
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
/** WordPress 6.5's script modules (`<script type="module">`, printed in the page's footer). */
function wp_enqueue_script_module( $id, $src = '', $deps = array(), $version = false ) {
	$GLOBALS['wp']['modules'][ $id ] = array( $src, $deps, $version );
}
function wp_enqueue_style( $handle, $src = '', $deps = array(), $ver = false, $media = 'all' ) {
	$GLOBALS['wp']['styles'][ $handle ] = array( $src, $deps, $ver );
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
/** wc_get_orders() with paginate: the shop's orders by creation date, a page of them. */
function wc_get_orders( $args ) {
	$GLOBALS['wp']['order_queries'][] = $args;
	$orders = array_values( $GLOBALS['wp']['orders'] );
	usort(
		$orders,
		function ( $a, $b ) use ( $args ) {
			$by = strcmp( $a->d['created'], $b->d['created'] ) ?: $a->get_id() - $b->get_id();
			return 'ASC' === $args['order'] ? $by : -$by;
		}
	);
	$total = count( $orders );
	$limit = $args['limit'];
	return (object) array(
		'orders'        => array_slice( $orders, ( $args['page'] - 1 ) * $limit, $limit ),
		'total'         => $total,
		'max_num_pages' => (int) ceil( $total / $limit ),
	);
}
function WC() {
	return (object) array( 'cart' => $GLOBALS['wp']['cart'], 'session' => $GLOBALS['wp']['session'] );
}

/** WC_Session_Handler: a customer key and values kept between the shopper's requests. */
class Fake_Session {
	public $customer_id;
	public $values = array();
	public function __construct( $customer_id ) { $this->customer_id = $customer_id; }
	public function get_customer_id() { return $this->customer_id; }
	public function get( $key, $default = null ) { return isset( $this->values[ $key ] ) ? $this->values[ $key ] : $default; }
	public function set( $key, $value ) { $this->values[ $key ] = $value; }
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
		$this->d = $d + array( 'id' => 0, 'variation_id' => 0, 'subtotal_tax' => '', 'name' => '', 'sku' => null, 'refunded' => 0 );
	}
	public function get_id() { return $this->d['id']; }
	public function get_name() { return $this->d['name']; }
	public function get_product() { return null === $this->d['sku'] ? false : new Fake_Product( '', $this->d['sku'] ); }
	public function get_product_id() { return $this->d['product_id']; }
	public function get_variation_id() { return $this->d['variation_id']; }
	public function get_quantity() { return $this->d['quantity']; }
	public function get_subtotal() { return $this->d['subtotal']; }
	public function get_subtotal_tax() { return $this->d['subtotal_tax']; }
	public function add_meta_data( $key, $value, $unique = false ) { $this->d['meta'][ $key ] = $value; }
	public function get_meta( $key, $single = true ) { return isset( $this->d['meta'][ $key ] ) ? $this->d['meta'][ $key ] : ''; }
}

/** A WC_Order_Refund: its date and its lines (negative quantities, naming the refunded line). */
class Fake_Refund {
	public $d;
	public function __construct( array $d ) { $this->d = $d; }
	public function get_date_created() { return new WC_DateTime( $this->d['created'] ); }
	public function get_items( $type = 'line_item' ) {
		$out = array();
		foreach ( $this->d['lines'] as $of => $quantity ) {
			$out[] = new Fake_Order_Item( array( 'product_id' => 0, 'quantity' => -$quantity, 'subtotal' => '0', 'meta' => array( '_refunded_item_id' => (string) $of ) ) );
		}
		return $out;
	}
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
	public function get_status() { return isset( $this->d['status'] ) ? $this->d['status'] : 'completed'; }
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
	/** Refunded quantity of a line, negative as WooCommerce returns it. */
	public function get_qty_refunded_for_item( $item_id, $item_type = 'line_item' ) {
		foreach ( $this->d['items'] as $i ) {
			if ( isset( $i['id'] ) && $i['id'] === $item_id ) {
				return isset( $i['refunded'] ) ? -$i['refunded'] : 0;
			}
		}
		return 0;
	}
	public function get_meta( $key, $single = true ) {
		return isset( $this->meta[ $key ] ) ? $this->meta[ $key ] : '';
	}
	/** Refunds, newest first as WooCommerce returns them: `refunds` => [[created, lines => [line id => quantity]]]. */
	public function get_refunds() {
		return array_map( function ( $r ) { return new Fake_Refund( $r ); }, isset( $this->d['refunds'] ) ? $this->d['refunds'] : array() );
	}
	public function update_meta_data( $key, $value ) {
		$this->meta[ $key ] = $value;
	}
}

/** A cart product: get_price() is the active price as a decimal string. */
class Fake_Product {
	private $price;
	private $sku;
	public function __construct( $price, $sku = '' ) {
		$this->price = $price;
		$this->sku   = $sku;
	}
	public function get_price() { return $this->price; }
	public function get_sku() { return $this->sku; }
}

/** WC_Cart: get_cart() returns entries keyed by cart item key. */
class Fake_Cart {
	private $entries;
	public function __construct( array $entries ) { $this->entries = $entries; }
	public function get_cart() { return $this->entries; }
}
