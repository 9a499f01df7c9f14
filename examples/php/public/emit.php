<?php
// Catches a failure with its causes and answers with the chain: X-Error-Chain and problem+json.
require __DIR__ . '/../lib/ErrorChain.php';

final class UserNotLoaded extends DomainException
{
}

try {
    try {
        throw new RuntimeException('connection to users-db refused', 2002);
    } catch (RuntimeException $db) {
        throw new UserNotLoaded('cannot load user 7', 0, $db);
    }
} catch (Throwable $e) {
    ErrorChain::respond($e, 503);
}
