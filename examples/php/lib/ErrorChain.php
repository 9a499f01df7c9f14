<?php
/**
 * Error chains for plain PHP (no Composer): reads the `X-Error-Chain` header a gateway or another
 * service sent into a chained exception (each cause the `previous` of the one before it), and
 * answers from an exception with the header and an application/problem+json body, so the causes
 * of an error keep crossing hops whatever language each hop is written in.
 *
 * The header is base64 of a JSON array of causes, outermost first; each cause is a small problem
 * object (`source`, `type`, `title`, `status`, `code`, `detail`, and whatever else the hop knows,
 * such as `file` and `line`). A header that does not decode is ignored: it is never trusted, and
 * never echoed.
 *
 *     require __DIR__ . '/../lib/ErrorChain.php';
 *     $cause = ErrorChain::fromRequest();            // null without a (valid) header
 *     try { ... } catch (Throwable $e) { ErrorChain::respond($e, 503); exit; }
 */

/** One cause received from another hop: its problem members kept as they came. */
class ChainedError extends RuntimeException
{
    /** @var array<string, mixed> */
    private array $link;

    /** @param array<string, mixed> $link */
    public function __construct(array $link, ?Throwable $previous = null)
    {
        parent::__construct((string) ($link['detail'] ?? $link['title'] ?? 'error'), 0, $previous);
        $this->link = $link;
    }

    /** @return array<string, mixed> */
    public function link(): array
    {
        return $this->link;
    }

    public function source(): string
    {
        return (string) ($this->link['source'] ?? 'unknown');
    }
}

final class ErrorChain
{
    public const HEADER = 'X-Error-Chain';
    /** The same caps the gateway applies: the size before decoding, the depth while parsing. */
    public const MAX_LENGTH = 16384;
    public const MAX_DEPTH = 16;
    public const MAX_LINKS = 32;

    /** The chain of the current request's header, or null. */
    public static function fromRequest(): ?ChainedError
    {
        $value = $_SERVER['HTTP_X_ERROR_CHAIN'] ?? null;
        return is_string($value) ? self::fromHeader($value) : null;
    }

    /**
     * The chain of a response's header lines (`$http_response_header` after file_get_contents),
     * or null.
     *
     * @param list<string> $lines
     */
    public static function fromResponseHeaders(array $lines): ?ChainedError
    {
        foreach ($lines as $line) {
            $colon = strpos($line, ':');
            if ($colon !== false && strcasecmp(trim(substr($line, 0, $colon)), self::HEADER) === 0) {
                return self::fromHeader(trim(substr($line, $colon + 1)));
            }
        }
        return null;
    }

    /** The outermost cause of a header value, its causes as `previous`; null when it does not decode. */
    public static function fromHeader(string $value): ?ChainedError
    {
        $links = self::decode($value);
        if ($links === null || $links === []) {
            return null;
        }
        $chained = null;
        foreach (array_reverse($links) as $link) {
            $chained = new ChainedError($link, $chained);
        }
        return $chained;
    }

    /**
     * The links of a header value, or null when it is malformed.
     *
     * @return list<array<string, mixed>>|null
     */
    public static function decode(string $value): ?array
    {
        $value = trim($value);
        if (strlen($value) > self::MAX_LENGTH) {
            return null;
        }
        $json = base64_decode(strtr($value, '-_', '+/'), true);
        if ($json === false) {
            return null;
        }
        try {
            $links = json_decode($json, true, self::MAX_DEPTH, JSON_THROW_ON_ERROR);
        } catch (JsonException $e) {
            return null;
        }
        if (!is_array($links) || !array_is_list($links) || count($links) > self::MAX_LINKS) {
            return null;
        }
        foreach ($links as $link) {
            if (!is_array($link) || array_is_list($link) && $link !== []) {
                return null;
            }
            foreach (['source', 'type', 'title', 'detail'] as $key) {
                if (isset($link[$key]) && !is_string($link[$key])) {
                    return null;
                }
            }
            if (isset($link['status']) && (!is_int($link['status']) || $link['status'] < 100 || $link['status'] > 599)) {
                return null;
            }
        }
        return $links;
    }

    /**
     * An exception and its previous ones as links, outermost first. A ChainedError gives back the
     * link it was made from; any other exception says what PHP knows of it.
     *
     * @return list<array<string, mixed>>
     */
    public static function links(Throwable $e, int $status = 500): array
    {
        $links = [];
        for ($at = $e; $at !== null && count($links) < self::MAX_LINKS; $at = $at->getPrevious()) {
            if ($at instanceof ChainedError) {
                $links[] = $at->link();
                continue;
            }
            $link = [
                'source' => 'php',
                'type' => 'urn:php:exception:' . str_replace('\\', '.', get_class($at)),
                'title' => get_class($at),
                'status' => $status,
                'detail' => $at->getMessage(),
                'exception' => get_class($at),
                'file' => $at->getFile(),
                'line' => $at->getLine(),
            ];
            if ($at->getCode() !== 0) {
                $link['code'] = (string) $at->getCode();
            }
            $links[] = $link;
        }
        return $links;
    }

    /** The header value for an exception. */
    public static function toHeader(Throwable $e, int $status = 500): string
    {
        return base64_encode(json_encode(self::links($e, $status), JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR));
    }

    /**
     * Answers the request from an exception: the status, the header, and problem+json whose
     * members are the outermost link's and whose `chain` holds the causes.
     */
    public static function respond(Throwable $e, int $status = 500): void
    {
        $links = self::links($e, $status);
        $problem = array_shift($links);
        $problem['status'] = $status;
        $problem['chain'] = $links;
        http_response_code($status);
        header('Content-Type: application/problem+json');
        header(self::HEADER . ': ' . self::toHeader($e, $status));
        echo json_encode($problem, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    }
}
