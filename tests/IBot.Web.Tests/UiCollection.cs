namespace IBot.Web.Tests;

/// <summary>One workspace of real runs and one <c>ibot ui</c> for every test class of the collection (runs take seconds
/// to make; the tests read them and change only the queue).</summary>
[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiWorkspace>
{
    public const string Name = "ibot ui";
}
