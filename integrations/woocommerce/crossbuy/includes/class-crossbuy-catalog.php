<?php
/**
 * The catalog snapshot saved into the site: uploaded on the admin page (or by the in-browser
 * console through the REST API), kept in uploads, used by the storefront.
 *
 * @package crossbuy
 */

defined( 'ABSPATH' ) || exit;

/**
 * The catalog lives at `wp-content/uploads/crossbuy/catalog.json` (a static file, so shoppers'
 * browsers fetch it without starting WordPress), and the option `crossbuy_catalog` says what
 * was saved: its size, product count, shop name, time and a hash of its bytes, which is the
 * `?v=` of its URL so a new catalog is never hidden by a cache.
 *
 * What is saved is checked first: JSON, at most MAX_BYTES, a snapshot of version 1 with
 * products (`docs/snapshot.md`; the widget checks everything else when it reads it).
 */
final class Crossbuy_Catalog {

	/** The option describing the saved catalog. */
	const OPTION = 'crossbuy_catalog';

	/** The folder under uploads and the file in it. */
	const DIR  = 'crossbuy';
	const FILE = 'catalog.json';

	/** The largest catalog accepted (snapshots of 100,000 products are about 40 MB). */
	const MAX_BYTES = 64 * 1024 * 1024;

	/** The admin-post action and nonce action of the upload form. */
	const UPLOAD_ACTION = 'crossbuy_save_catalog';

	/** The REST route the console saves to. */
	const REST_ROUTE = '/catalog';

	/** Hooks the upload form's handler and the REST route. */
	public static function register() {
		add_action( 'admin_post_' . self::UPLOAD_ACTION, array( __CLASS__, 'upload' ) );
		add_action( 'rest_api_init', array( __CLASS__, 'register_route' ) );
	}

	/** Registers POST /wp-json/crossbuy/v1/catalog (the snapshot as the request body). */
	public static function register_route() {
		register_rest_route(
			Crossbuy_History::REST_NAMESPACE,
			self::REST_ROUTE,
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'rest_save' ),
				'permission_callback' => array( 'Crossbuy_History', 'rest_permission' ),
			)
		);
	}

	/**
	 * Saves the request body as the catalog.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function rest_save( $request ) {
		$saved = self::save( (string) $request->get_body() );
		return is_wp_error( $saved ) ? $saved : new WP_REST_Response( $saved, 200 );
	}

	/**
	 * Where catalogs are kept: the folder's path and URL.
	 *
	 * @return array{path: string, url: string}|null Null when uploads are not available.
	 */
	public static function location() {
		$uploads = wp_upload_dir( null, false );
		if ( ! is_array( $uploads ) || ! empty( $uploads['error'] ) || empty( $uploads['basedir'] ) ) {
			return null;
		}
		return array(
			'path' => trailingslashit( $uploads['basedir'] ) . self::DIR,
			'url'  => trailingslashit( $uploads['baseurl'] ) . self::DIR,
		);
	}

	/**
	 * What was saved, or null.
	 *
	 * @return array{bytes: int, products: int, shop: string, saved_at: int, hash: string, experiment?: array}|null
	 */
	public static function saved() {
		$meta = get_option( self::OPTION, null );
		return is_array( $meta ) && isset( $meta['hash'], $meta['bytes'], $meta['products'], $meta['saved_at'] ) ? $meta : null;
	}

	/**
	 * The saved catalog's URL (with its hash as the version), or '' when none is saved.
	 *
	 * @return string
	 */
	public static function url() {
		$meta  = self::saved();
		$where = self::location();
		if ( null === $meta || null === $where || ! file_exists( $where['path'] . '/' . self::FILE ) ) {
			return '';
		}
		return set_url_scheme( $where['url'] . '/' . self::FILE ) . '?v=' . rawurlencode( substr( (string) $meta['hash'], 0, 12 ) );
	}

	/**
	 * Checks and saves a snapshot.
	 *
	 * @param string $json The snapshot's text.
	 * @return array<string, mixed>|WP_Error What was saved, or why not.
	 */
	public static function save( $json ) {
		$bytes = strlen( $json );
		if ( 0 === $bytes ) {
			return self::error( 'crossbuy_catalog_empty', __( 'The file is empty.', 'crossbuy' ) );
		}
		if ( $bytes > self::MAX_BYTES ) {
			return self::error(
				'crossbuy_catalog_too_large',
				/* translators: 1: the file's size in MB, 2: the largest size accepted in MB. */
				sprintf( __( 'The file is %1$s MB; a catalog may be at most %2$s MB.', 'crossbuy' ), number_format_i18n( $bytes / 1048576, 1 ), number_format_i18n( self::MAX_BYTES / 1048576 ) )
			);
		}
		$data = json_decode( $json, true, 64 );
		if ( ! is_array( $data ) ) {
			return self::error(
				'crossbuy_catalog_not_json',
				/* translators: %s: the JSON parser's message. */
				sprintf( __( 'The file is not JSON (%s). Upload the catalog.json that crossbuy snapshot wrote.', 'crossbuy' ), json_last_error_msg() )
			);
		}
		if ( ! isset( $data['version'] ) || 1 !== $data['version'] || ! isset( $data['products'] ) || ! is_array( $data['products'] ) ) {
			return self::error( 'crossbuy_catalog_not_snapshot', __( 'The file is not a crossbuy catalog (version 1 with products). Upload the catalog.json that crossbuy snapshot wrote.', 'crossbuy' ) );
		}
		if ( array() === $data['products'] ) {
			return self::error( 'crossbuy_catalog_no_products', __( 'The catalog has no products.', 'crossbuy' ) );
		}
		$where = self::location();
		if ( null === $where || ! wp_mkdir_p( $where['path'] ) ) {
			return self::error( 'crossbuy_catalog_no_uploads', __( 'The uploads folder cannot be written to.', 'crossbuy' ) );
		}
		// Written beside the old one, then moved over it: the storefront never reads half a file.
		$file = $where['path'] . '/' . self::FILE;
		$temp = $file . '.' . wp_generate_password( 8, false ) . '.tmp';
		if ( false === file_put_contents( $temp, $json ) || ! rename( $temp, $file ) ) { // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents, WordPress.WP.AlternativeFunctions.rename_rename -- a file in uploads, written atomically.
			wp_delete_file( $temp );
			return self::error( 'crossbuy_catalog_not_written', __( 'The catalog could not be written to the uploads folder.', 'crossbuy' ) );
		}
		$meta = array(
			'bytes'    => $bytes,
			'products' => count( $data['products'] ),
			'shop'     => isset( $data['shop']['name'] ) && is_string( $data['shop']['name'] ) ? $data['shop']['name'] : '',
			'saved_at' => time(),
			'hash'     => hash( 'sha256', $json ),
		);
		// The experiment, if any, so that checkouts can write the arm without reading the file.
		$experiment = Crossbuy_Measure::experiment_of( $data );
		if ( null !== $experiment ) {
			$meta['experiment'] = $experiment;
		}
		update_option( self::OPTION, $meta, false );
		return $meta;
	}

	/**
	 * A WP_Error the REST API answers with 400.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message.
	 * @return WP_Error
	 */
	private static function error( $code, $message ) {
		return new WP_Error( $code, $message, array( 'status' => 400 ) );
	}

	/** The upload form's handler (admin-post.php): saves the file, then back to the page. */
	public static function upload() {
		if ( ! current_user_can( Crossbuy_History::CAPABILITY ) ) {
			wp_die( esc_html__( 'Only shop managers may save the catalog.', 'crossbuy' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::UPLOAD_ACTION );
		// phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- a file's path and error code, checked below.
		$file  = isset( $_FILES['catalog'] ) && is_array( $_FILES['catalog'] ) ? $_FILES['catalog'] : array();
		$tmp   = isset( $file['tmp_name'] ) ? (string) $file['tmp_name'] : '';
		$saved = null;
		if ( ! isset( $file['error'] ) || UPLOAD_ERR_OK !== (int) $file['error'] || '' === $tmp || ! is_uploaded_file( $tmp ) ) {
			$saved = self::error( 'crossbuy_catalog_no_file', __( 'No file was uploaded: choose the catalog.json that crossbuy snapshot wrote.', 'crossbuy' ) );
		} else {
			$saved = self::save( (string) file_get_contents( $tmp ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- the uploaded file.
		}
		set_transient( self::notice_key(), is_wp_error( $saved ) ? $saved->get_error_message() : '', 60 );
		wp_safe_redirect( Crossbuy_Admin::page_url( is_wp_error( $saved ) ? 'error' : 'saved' ) );
		exit;
	}

	/**
	 * The transient holding the last upload's error for this user.
	 *
	 * @return string
	 */
	public static function notice_key() {
		return 'crossbuy_catalog_notice_' . get_current_user_id();
	}

	/** Removes the saved catalog and its option (on uninstall). */
	public static function delete() {
		$where = self::location();
		if ( null !== $where ) {
			wp_delete_file( $where['path'] . '/' . self::FILE );
		}
		delete_option( self::OPTION );
	}
}
