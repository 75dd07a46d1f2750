import { Box, Text } from '@mantine/core';

/** A text message as a phone shows it: outgoing on the right in the brand colour, incoming on the left. */
export function MessageBubble({ text, direction, meta }: { text: string; direction: 'outbound' | 'inbound'; meta?: string }) {
  const outgoing = direction === 'outbound';
  return (
    <Box style={{ display: 'flex', flexDirection: 'column', alignItems: outgoing ? 'flex-end' : 'flex-start' }}>
      <Box
        maw={360}
        px="md"
        py="sm"
        style={{
          background: outgoing ? 'var(--mantine-color-indigo-filled)' : 'var(--mantine-color-gray-1)',
          color: outgoing ? 'white' : 'var(--mantine-color-black)',
          borderRadius: outgoing ? '18px 18px 4px 18px' : '18px 18px 18px 4px',
          whiteSpace: 'pre-wrap',
          overflowWrap: 'anywhere',
          fontSize: 'var(--mantine-font-size-sm)',
        }}
      >
        {text}
      </Box>
      {meta && (
        <Text size="xs" c="dimmed" mt={2}>
          {meta}
        </Text>
      )}
    </Box>
  );
}
