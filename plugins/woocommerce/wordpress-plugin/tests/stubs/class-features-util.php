<?php
/**
 * WooCommerce's FeaturesUtil, recording what the plugin declares.
 *
 * @package CartRelay_For_WooCommerce
 */

namespace Automattic\WooCommerce\Utilities;

/**
 * Records declare_compatibility() calls.
 */
class FeaturesUtil {

	/**
	 * The calls: [ feature, file, positive ].
	 *
	 * @var array[]
	 */
	public static $declared = array();

	/**
	 * Records a declaration.
	 *
	 * @param string $feature  The feature.
	 * @param string $file     The plugin file.
	 * @param bool   $positive Whether compatible.
	 * @return bool
	 */
	public static function declare_compatibility( $feature, $file, $positive = true ) {
		self::$declared[] = array( $feature, $file, $positive );
		return true;
	}
}
