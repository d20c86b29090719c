namespace Shop.Core;

public static class Catalog
{
    public static int Count => 3;
}
