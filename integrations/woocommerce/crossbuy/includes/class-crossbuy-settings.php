<?php
/**
 * The settings (on the admin page, WooCommerce > crossbuy), built on the WordPress Settings API.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * One option, `crossbuy_settings`, holds everything. Input is validated on save (a bad value
 * is refused with a message naming the field, and the previous value is kept); output is
 * escaped where it is printed.
 */
final class Crossbuy_Settings {

	/** The option name. */
	const OPTION = 'crossbuy_settings';

	/** The settings page slug and option group. */
	const PAGE = 'crossbuy';

	/** Signal destinations the widget knows. */
	const SIGNAL_KINDS = array( 'none', 'klaviyo', 'webhook' );

	/**
	 * Defaults for every setting.
	 *
	 * @return array<string, string|bool>
	 */
	public static function defaults() {
		return array(
			'catalog_url'        => '',
			'target'             => '#crossbuy',
			'signal_kind'        => 'none',
			'klaviyo_public_key' => '',
			'klaviyo_list_id'    => '',
			'webhook_url'        => '',
			'consent_checkbox'   => false,
			'consent_label'      => '',
		);
	}

	/**
	 * Every setting, stored values over defaults.
	 *
	 * @return array<string, string|bool>
	 */
	public static function all() {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $stored ) ? array_intersect_key( $stored, self::defaults() ) : array() );
	}

	/**
	 * One setting.
	 *
	 * @param string $key A key of defaults().
	 * @return string|bool
	 */
	public static function get( $key ) {
		$all = self::all();
		return isset( $all[ $key ] ) ? $all[ $key ] : '';
	}

	/**
	 * The loader's URL: the plugin's own copy (`assets/crossbuy.js`, with the wasm glue,
	 * module and language packs in `assets/pkg/`), or '' when the plugin was installed without
	 * its assets. Nothing that runs is loaded from anywhere else.
	 *
	 * @return string
	 */
	public static function loader_url() {
		$dir = plugin_dir_path( CROSSBUY_PLUGIN_FILE );
		if ( ! file_exists( $dir . 'assets/crossbuy.js' ) || ! file_exists( $dir . 'assets/pkg/crossbuy_bg.wasm' ) ) {
			return '';
		}
		return plugins_url( 'assets/crossbuy.js', CROSSBUY_PLUGIN_FILE );
	}

	/**
	 * The catalog the storefront uses: the Catalog URL setting when set, else the catalog
	 * saved on the admin page; '' when there is neither.
	 *
	 * @return string
	 */
	public static function catalog_url() {
		$url = (string) self::get( 'catalog_url' );
		return '' !== $url ? $url : Crossbuy_Catalog::url();
	}

	/**
	 * The consent checkbox's wording: the merchant's, else the default in the site's language.
	 *
	 * @return string
	 */
	public static function consent_label() {
		$label = (string) self::get( 'consent_label' );
		return '' !== $label ? $label : __( 'Email me tips and offers for my order', 'crossbuy' );
	}

	/** Hooks the settings into the admin. */
	public static function register() {
		add_action( 'admin_init', array( __CLASS__, 'register_settings' ) );
	}

	/** Registers the option, its sections and fields. */
	public static function register_settings() {
		register_setting(
			self::PAGE,
			self::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( __CLASS__, 'sanitize' ),
				'default'           => self::defaults(),
			)
		);

		add_settings_section( 'crossbuy_widget', __( 'Widget', 'crossbuy' ), '__return_false', self::PAGE );
		self::field( 'catalog_url', __( 'Catalog URL', 'crossbuy' ), 'crossbuy_widget', 'url', __( 'Leave empty to use the catalog saved above. Or the address of a catalog you host elsewhere, for example https://cdn.example.com/crossbuy/catalog.json.', 'crossbuy' ) );
		self::field( 'target', __( 'Widget position', 'crossbuy' ), 'crossbuy_widget', 'text', __( 'A CSS selector. Keep #crossbuy to use the place the plugin prints below the order details and the checkout form.', 'crossbuy' ) );

		add_settings_section( 'crossbuy_signals', __( 'Email signals', 'crossbuy' ), '__return_false', self::PAGE );
		self::field( 'signal_kind', __( 'Send opt-ins to', 'crossbuy' ), 'crossbuy_signals', 'select', '' );
		self::field( 'klaviyo_public_key', __( 'Klaviyo public API key', 'crossbuy' ), 'crossbuy_signals', 'text', __( 'The 6-character public key (site ID), never a private key.', 'crossbuy' ) );
		self::field( 'klaviyo_list_id', __( 'Klaviyo list ID', 'crossbuy' ), 'crossbuy_signals', 'text', '' );
		self::field( 'webhook_url', __( 'Webhook URL', 'crossbuy' ), 'crossbuy_signals', 'url', __( 'Your endpoint; it receives JSON with an Idempotency-Key header.', 'crossbuy' ) );

		add_settings_section( 'crossbuy_consent', __( 'Consent', 'crossbuy' ), '__return_false', self::PAGE );
		self::field( 'consent_checkbox', __( 'Ask at checkout', 'crossbuy' ), 'crossbuy_consent', 'checkbox', __( 'Add an unticked marketing-email checkbox to the checkout (classic and block).', 'crossbuy' ) );
		self::field( 'consent_label', __( 'Checkbox wording', 'crossbuy' ), 'crossbuy_consent', 'text', __( 'Leave empty for "Email me tips and offers for my order", in the shop\'s language.', 'crossbuy' ) );
	}

	/**
	 * Registers one field.
	 *
	 * @param string $key         Setting key.
	 * @param string $label       Label.
	 * @param string $section     Section id.
	 * @param string $type        url, text, select or checkbox.
	 * @param string $description Help text.
	 */
	private static function field( $key, $label, $section, $type, $description ) {
		add_settings_field(
			'crossbuy_' . $key,
			$label,
			array( __CLASS__, 'render_field' ),
			self::PAGE,
			$section,
			array(
				'key'         => $key,
				'type'        => $type,
				'description' => $description,
				'label_for'   => 'crossbuy_' . $key,
			)
		);
	}

	/**
	 * Validates the submitted settings. A refused value keeps the stored one and adds a notice.
	 * (options.php has already unslashed the input.)
	 *
	 * @param mixed $input The submitted array.
	 * @return array<string, string|bool>
	 */
	public static function sanitize( $input ) {
		$old   = self::all();
		$input = is_array( $input ) ? $input : array();
		$out   = $old;
		$text  = function ( $key ) use ( $input ) {
			return isset( $input[ $key ] ) && is_scalar( $input[ $key ] ) ? trim( sanitize_text_field( (string) $input[ $key ] ) ) : '';
		};

		foreach ( array( 'catalog_url', 'webhook_url' ) as $key ) {
			$value = $text( $key );
			$clean = self::url( $value, 'webhook_url' !== $key );
			if ( null === $clean ) {
				/* translators: %s: the value submitted. */
				self::refuse( $key, sprintf( __( 'must be an http(s) URL, got "%s"', 'crossbuy' ), $value ) );
			} else {
				$out[ $key ] = $clean;
			}
		}

		$target = $text( 'target' );
		if ( '' === $target ) {
			$out['target'] = '#crossbuy';
		} elseif ( preg_match( '/^[#.]?[A-Za-z][A-Za-z0-9_-]*$/', $target ) ) {
			$out['target'] = $target;
		} else {
			/* translators: %s: the value submitted. */
			self::refuse( 'target', sprintf( __( 'must be an id (#name), a class (.name) or a tag name, got "%s"', 'crossbuy' ), $target ) );
		}

		$kind = $text( 'signal_kind' );
		if ( in_array( $kind, self::SIGNAL_KINDS, true ) ) {
			$out['signal_kind'] = $kind;
		} else {
			/* translators: %s: the value submitted. */
			self::refuse( 'signal_kind', sprintf( __( 'must be none, klaviyo or webhook, got "%s"', 'crossbuy' ), $kind ) );
		}

		$key = $text( 'klaviyo_public_key' );
		if ( '' === $key || preg_match( '/^[A-Za-z0-9]{6}$/', $key ) ) {
			$out['klaviyo_public_key'] = $key;
		} else {
			/* translators: %s: the value submitted. */
			self::refuse( 'klaviyo_public_key', sprintf( __( 'must be the 6-character public key (site ID), got "%s"', 'crossbuy' ), $key ) );
		}

		$list = $text( 'klaviyo_list_id' );
		if ( '' === $list || preg_match( '/^[A-Za-z0-9]{1,32}$/', $list ) ) {
			$out['klaviyo_list_id'] = $list;
		} else {
			/* translators: %s: the value submitted. */
			self::refuse( 'klaviyo_list_id', sprintf( __( 'must be letters and digits, got "%s"', 'crossbuy' ), $list ) );
		}

		$out['consent_checkbox'] = ! empty( $input['consent_checkbox'] );
		$out['consent_label']    = $text( 'consent_label' );

		if ( 'klaviyo' === $out['signal_kind'] && '' === $out['klaviyo_public_key'] ) {
			self::refuse( 'klaviyo_public_key', __( 'is needed to send opt-ins to Klaviyo', 'crossbuy' ) );
		}
		if ( 'webhook' === $out['signal_kind'] && '' === $out['webhook_url'] ) {
			self::refuse( 'webhook_url', __( 'is needed to send opt-ins to a webhook', 'crossbuy' ) );
		}
		return $out;
	}

	/**
	 * An absolute http(s) URL, or (when $relative_ok) a path on this site; '' stays ''.
	 *
	 * @param string $value       The submitted value.
	 * @param bool   $relative_ok Whether "/path" is allowed.
	 * @return string|null Null when refused.
	 */
	private static function url( $value, $relative_ok ) {
		if ( '' === $value ) {
			return '';
		}
		if ( $relative_ok && preg_match( '#^/(?!/)[^\s"\'<>\\\\]*$#', $value ) ) {
			return $value;
		}
		$parts = wp_parse_url( $value );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) || ! isset( $parts['scheme'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return null;
		}
		$clean = esc_url_raw( $value, array( 'http', 'https' ) );
		return '' === $clean ? null : $clean;
	}

	/**
	 * Adds a settings error naming the field.
	 *
	 * @param string $key     Setting key.
	 * @param string $message What is wrong.
	 */
	private static function refuse( $key, $message ) {
		// settings_errors() prints the message as HTML, and it quotes what was submitted.
		/* translators: 1: the setting's key, 2: what is wrong with the value. */
		add_settings_error( self::OPTION, 'crossbuy_' . $key, esc_html( sprintf( __( 'crossbuy %1$s: %2$s', 'crossbuy' ), $key, $message ) ) );
	}

	/** Prints the settings form (on the admin page, Crossbuy_Admin). */
	public static function render_form() {
		echo '<form action="' . esc_url( admin_url( 'options.php' ) ) . '" method="post">';
		settings_fields( self::PAGE );
		do_settings_sections( self::PAGE );
		submit_button();
		echo '</form>';
	}

	/**
	 * Prints one field, escaped.
	 *
	 * @param array{key: string, type: string, description: string} $args Field arguments.
	 */
	public static function render_field( $args ) {
		$key   = $args['key'];
		$value = self::get( $key );
		$id    = 'crossbuy_' . $key;
		$name  = self::OPTION . '[' . $key . ']';
		switch ( $args['type'] ) {
			case 'checkbox':
				echo '<input type="checkbox" id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" value="1"' . checked( (bool) $value, true, false ) . '>';
				break;
			case 'select':
				echo '<select id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '">';
				foreach ( self::SIGNAL_KINDS as $kind ) {
					echo '<option value="' . esc_attr( $kind ) . '"' . selected( $value, $kind, false ) . '>' . esc_html( $kind ) . '</option>';
				}
				echo '</select>';
				break;
			default:
				$type = 'url' === $args['type'] ? 'url' : 'text';
				echo '<input type="' . esc_attr( $type ) . '" class="regular-text" id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" value="' . esc_attr( (string) $value ) . '">';
		}
		if ( '' !== $args['description'] ) {
			echo '<p class="description">' . esc_html( $args['description'] ) . '</p>';
		}
	}
}
