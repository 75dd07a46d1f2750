import { Anchor, Badge, Button, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useTemplates } from '../../api/resources';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { ScrollTable } from '../../components/ScrollRegion';

export function TemplatesPage() {
  const templates = useTemplates();
  return (
    <>
      <PageHeader
        title="Templates"
        description="Reusable meeting setups: titles, messages, buttons, reply codes and reminders."
        actions={
          <Button component={Link} to="/templates/new">
            New template
          </Button>
        }
      />
      <QueryState isPending={templates.isPending} error={templates.error}>
        {() =>
          templates.data && templates.data.length > 0 ? (
            <ScrollTable label="Templates" minWidth={560}>
              <Table striped highlightOnHover verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Customer title</Table.Th>
                    <Table.Th>Notifications</Table.Th>
                    <Table.Th>Reminders</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {templates.data.map((template) => (
                    <Table.Tr key={template.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/templates/${template.id}`} fw={500}>
                          {template.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{template.customerTitle}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {template.notificationConfigs.map((config) => (
                            <Badge key={config.key} variant="light" radius="sm" tt="none">
                              {config.key}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>{template.reminderTriggers.length}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          ) : (
            <Text c="dimmed">No template yet.</Text>
          )
        }
      </QueryState>
    </>
  );
}
