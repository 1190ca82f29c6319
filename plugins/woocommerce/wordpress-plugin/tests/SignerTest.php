<?php
/**
 * The signed links' rule, against the vector CartRelay's side tests too.
 *
 * @package CartRelay_For_WooCommerce
 */

/**
 * CartRelay_Signer.
 */
final class SignerTest extends CartRelay_Test_Case {

	public function test_the_shared_vector(): void {
		$v = self::vector();
		$this->assertSame( 43, strlen( $v['linkSecret'] ) );
		$this->assertSame( $v['sig'], CartRelay_Signer::sign( $v['linkSecret'], $v['purpose'], $v['site'], $v['user'], $v['exp'] ) );
	}

	public function test_the_rule_spelled_out(): void {
		$v        = self::vector();
		$message  = "open\nhttps://shop.example/\n1\n1767225600";
		$expected = rtrim( strtr( base64_encode( hash_hmac( 'sha256', $message, $v['linkSecret'], true ) ), '+/', '-_' ), '=' );
		$this->assertSame( $expected, CartRelay_Signer::sign( $v['linkSecret'], 'open', 'https://shop.example/', 1, 1767225600 ) );
		$this->assertDoesNotMatchRegularExpression( '/[+\/=]/', $expected );
	}

	public function test_every_field_is_signed(): void {
		$v    = self::vector();
		$base = CartRelay_Signer::sign( $v['linkSecret'], 'open', $v['site'], $v['user'], $v['exp'] );
		$this->assertNotSame( $base, CartRelay_Signer::sign( $v['linkSecret'], 'disconnect', $v['site'], $v['user'], $v['exp'] ) );
		$this->assertNotSame( $base, CartRelay_Signer::sign( $v['linkSecret'], 'open', 'https://other.example/', $v['user'], $v['exp'] ) );
		$this->assertNotSame( $base, CartRelay_Signer::sign( $v['linkSecret'], 'open', $v['site'], '2', $v['exp'] ) );
		$this->assertNotSame( $base, CartRelay_Signer::sign( $v['linkSecret'], 'open', $v['site'], $v['user'], $v['exp'] + 1 ) );
		$this->assertNotSame( $base, CartRelay_Signer::sign( strrev( $v['linkSecret'] ), 'open', $v['site'], $v['user'], $v['exp'] ) );
	}

	public function test_an_unknown_purpose_is_refused(): void {
		$this->expectException( InvalidArgumentException::class );
		CartRelay_Signer::sign( self::SECRET, 'delete', 'https://shop.example/', 1, 1767225600 );
	}

	public function test_signed_fields_expire_in_five_minutes(): void {
		$fields = CartRelay_Signer::signed_fields( self::SECRET, 'disconnect', 'https://shop.example/', 7, 1767225300 );
		$this->assertSame(
			array(
				'site' => 'https://shop.example/',
				'user' => '7',
				'exp'  => 1767225600,
				'sig'  => CartRelay_Signer::sign( self::SECRET, 'disconnect', 'https://shop.example/', '7', 1767225600 ),
			),
			$fields
		);
	}

	public function test_the_open_url(): void {
		$v   = self::vector();
		$url = CartRelay_Signer::open_url( 'https://relay.example', $v['linkSecret'], $v['site'], 1, $v['exp'] - 300 );
		$this->assertSame(
			'https://relay.example/woocommerce/open?site=https%3A%2F%2Fshop.example%2F&user=1&exp=1767225600&sig=' . rawurlencode( $v['sig'] ),
			$url
		);
	}
}
