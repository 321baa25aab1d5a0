<?php
/**
 * The settings page: what is stored from what the merchant submits, and what the page prints.
 */

test(
	'valid settings are stored',
	function () {
		$saved = Crossbuy_Settings::sanitize(
			array(
				'catalog_url'        => ' https://cdn.example/crossbuy/catalog.json ',
				'target'             => '.order-extras',
				'signal_kind'        => 'klaviyo',
				'klaviyo_public_key' => 'AbC123',
				'klaviyo_list_id'    => 'XyZ789',
				'webhook_url'        => '',
				'consent_checkbox'   => '1',
				'consent_label'      => 'Send me <b>tips</b>',
			)
		);
		check(
			'stored',
			$saved,
			array(
				'catalog_url'        => 'https://cdn.example/crossbuy/catalog.json',
				'target'             => '.order-extras',
				'signal_kind'        => 'klaviyo',
				'klaviyo_public_key' => 'AbC123',
				'klaviyo_list_id'    => 'XyZ789',
				'webhook_url'        => '',
				'consent_checkbox'   => true,
				'consent_label'      => 'Send me tips',
			)
		);
		check( 'no errors', $GLOBALS['wp']['settings_errors'], array() );
	}
);

test(
	'refused values keep the stored ones and say which field and why',
	function () {
		configure(
			array(
				'catalog_url' => 'https://cdn.example/catalog.json',
				'webhook_url' => 'https://hooks.example/in',
			)
		);
		$GLOBALS['wp']['settings_errors'] = array();
		$saved = Crossbuy_Settings::sanitize(
			array(
				'catalog_url'        => 'javascript:alert("x")',
				'webhook_url'        => '/relative/hook',
				'target'             => 'div > p',
				'signal_kind'        => 'smtp',
				'klaviyo_public_key' => 'pk_live_0123456789abcdef',
				'klaviyo_list_id'    => 'list id',
			)
		);
		check(
			'kept',
			array( $saved['catalog_url'], $saved['webhook_url'], $saved['target'], $saved['signal_kind'], $saved['klaviyo_public_key'], $saved['klaviyo_list_id'] ),
			array( 'https://cdn.example/catalog.json', 'https://hooks.example/in', '#crossbuy', 'none', '', '' )
		);
		check(
			'messages',
			$GLOBALS['wp']['settings_errors'],
			array(
				'crossbuy catalog_url: must be an http(s) URL, got &quot;javascript:alert(&quot;x&quot;)&quot;',
				'crossbuy webhook_url: must be an http(s) URL, got &quot;/relative/hook&quot;',
				'crossbuy target: must be an id (#name), a class (.name) or a tag name, got &quot;div &gt; p&quot;',
				'crossbuy signal_kind: must be none, klaviyo or webhook, got &quot;smtp&quot;',
				'crossbuy klaviyo_public_key: must be the 6-character public key (site ID), got &quot;pk_live_0123456789abcdef&quot;',
				'crossbuy klaviyo_list_id: must be letters and digits, got &quot;list id&quot;',
			)
		);
	}
);

test(
	'a destination needs its key or URL',
	function () {
		Crossbuy_Settings::sanitize( array( 'signal_kind' => 'klaviyo' ) );
		Crossbuy_Settings::sanitize( array( 'signal_kind' => 'webhook' ) );
		check(
			'messages',
			$GLOBALS['wp']['settings_errors'],
			array(
				'crossbuy klaviyo_public_key: is needed to send opt-ins to Klaviyo',
				'crossbuy webhook_url: is needed to send opt-ins to a webhook',
			)
		);
		check( 'empty target falls back to #crossbuy', Crossbuy_Settings::sanitize( array( 'target' => '' ) )['target'], '#crossbuy' );
	}
);

test(
	'the admin page escapes every stored value',
	function () {
		do_action( 'admin_init' );
		// A value that never passed sanitize (an old version, a direct database edit).
		update_option(
			'crossbuy_settings',
			array(
				'catalog_url'   => '"><script>alert(1)</script>',
				'consent_label' => "It's <em>free</em>",
				'signal_kind'   => 'webhook',
			)
		);
		$html = output( array( 'Crossbuy_Admin', 'render' ) );
		check( 'no script from the value', strpos( $html, '<script>' ), false );
		check( 'catalog field', strpos( $html, 'name="crossbuy_settings[catalog_url]" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' ) !== false, true );
		check( 'label field', strpos( $html, 'value="It&#039;s &lt;em&gt;free&lt;/em&gt;"' ) !== false, true );
		check( 'selected kind', strpos( $html, "<option value=\"webhook\" selected='selected'>webhook</option>" ) !== false, true );
		check( 'posts to options.php', strpos( $html, '<form action="https://shop.example/wp-admin/options.php" method="post">' ) !== false, true );
		check( 'every field is printed', substr_count( $html, 'name="crossbuy_settings[' ), 8 );
	}
);
