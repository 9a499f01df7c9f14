<?php
// Reads the chain the request carries into a chained exception and shows what PHP sees of it.
require __DIR__ . '/../lib/ErrorChain.php';

header('Content-Type: application/json');
$seen = [];
for ($e = ErrorChain::fromRequest(); $e !== null; $e = $e->getPrevious()) {
    $seen[] = ['class' => get_class($e), 'message' => $e->getMessage(), 'source' => $e instanceof ChainedError ? $e->source() : null];
}
echo json_encode(['causes' => $seen], JSON_UNESCAPED_SLASHES);
