/** Projects: the tenants whose data the service keeps strictly apart. */
package domain.project;
