from django.db import migrations


class Migration(migrations.Migration):
    # API tokens are an account concern: accounts 0003 takes the model over. Only the table's name
    # changes here (to the one accounts would give it); its rows, and so every token, stay as they are.

    dependencies = [
        ("consent", "0003_api_token_scopes_and_expiry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="apitoken", table="accounts_apitoken"),
            ],
            state_operations=[
                migrations.DeleteModel(name="ApiToken"),
            ],
        ),
    ]
