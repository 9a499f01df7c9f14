<?php
// An exception nobody catches: a fatal like any other, with PHP's stack trace on stderr.
final class PaymentDeclined extends RuntimeException
{
}

function charge(int $cents): void
{
    throw new PaymentDeclined("card declined for {$cents} cents", 51);
}

charge(1999);
